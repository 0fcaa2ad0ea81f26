package org.dml4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegistryTest {
    /** Test provider family, registered in src/test/resources/META-INF/services. */
    public interface Greeter {
        String name();
    }

    /** One provider. */
    public static final class Hello implements Greeter {
        @Override
        public String name() {
            return "hello";
        }
    }

    /** Another provider. */
    public static final class Bonjour implements Greeter {
        @Override
        public String name() {
            return "bonjour";
        }
    }

    @Test
    void findsProvidersByNameAndListsKnownOnesOnAMiss() {
        Registry<Greeter> r = new Registry<>("greeter", Greeter.class, Greeter::name);
        assertEquals("hello", r.get("hello").name());
        assertEquals(java.util.List.of("bonjour", "hello"), r.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.get("hola"));
        assertTrue(e.getMessage().contains("'hola'") && e.getMessage().contains("bonjour, hello"), e.getMessage());
    }

    @Test
    void rejectsDuplicateNames() {
        Registry<Greeter> r = new Registry<>("greeter", Greeter.class, g -> "same");
        assertThrows(IllegalStateException.class, r::names);
    }
}
