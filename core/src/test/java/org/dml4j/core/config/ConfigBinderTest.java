package org.dml4j.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {
    /** A nested table. */
    record Link(String name, double mbps, Double latencyMs) {
        Link {
            if (!(mbps > 0)) {
                throw new IllegalArgumentException("mbps must be > 0, got " + mbps);
            }
        }
    }

    /** A record without defaults: absent numbers are errors, absent booleans false, absent objects null. */
    record Plain(int levels, boolean perLayer, Integer bucketSize, int[] segments, Link[] links, List<Link> more,
                 Link main) {
    }

    /** A record with defaults. */
    record WithDefaults(double fraction, int minClients, List<Integer> hidden, String rule) {
        WithDefaults {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
            }
        }

        public static WithDefaults defaults() {
            return new WithDefaults(0.1, 2, List.of(64), null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String error(String table, Class<?> type, String where) {
        return assertThrows(IllegalArgumentException.class, () -> ConfigBinder.bind(json(table), type, where))
                .getMessage();
    }

    @Test
    void bindsKebabCaseKeysIgnoresTheTypeAndFillsDefaults() {
        // Execute
        Plain p = ConfigBinder.bind(json("{'type': 'x', 'levels': 3, 'bucket-size': 8, 'segments': [1, 2],"
                + " 'links': [{'name': 'a', 'mbps': 1}], 'main': {'name': 'm', 'mbps': 2.5, 'latency-ms': 4}}"),
                Plain.class, "compressor");
        WithDefaults d = ConfigBinder.bind(json("{'fraction': 0.5}"), WithDefaults.class, "strategy");
        WithDefaults single = ConfigBinder.bind(Map.of("hidden", 32), WithDefaults.class, null);

        // Assert
        assertEquals(3, p.levels());
        assertEquals(false, p.perLayer());
        assertEquals(8, p.bucketSize());
        assertArrayEquals(new int[] {1, 2}, p.segments());
        assertEquals(new Link("a", 1, null), p.links()[0]);
        assertNull(p.more());
        assertEquals(4.0, p.main().latencyMs());
        assertEquals(new WithDefaults(0.5, 2, List.of(64), null), d);
        assertEquals(List.of(32), single.hidden());
    }

    @Test
    void unknownKeysNameTheirTableAtEveryDepthBeforeAnythingMissing() {
        assertEquals("[strategy] has unknown key 'fracton'; known: fraction, min-clients, hidden, rule",
                error("{'fracton': 0.5}", WithDefaults.class, "strategy"));
        assertEquals("[c.main] has unknown key 'mbsp'; known: name, mbps, latency-ms",
                error("{'main': {'name': 'm', 'mbsp': 1}}", Plain.class, "c"));
        assertEquals("[c.links[1]] has unknown key 'x'; known: name, mbps, latency-ms",
                error("{'levels': 1, 'links': [{'mbps': 1}, {'x': 1}]}", Plain.class, "c"));
        assertEquals("unknown key 'x'; known: name, mbps, latency-ms", error("{'x': 1}", Link.class, null));
    }

    @Test
    void wrongTypesNameTheFullPathAndTheValue() {
        assertEquals("[model] hidden[0] must be an integer, got \"wide\"",
                error("{'hidden': 'wide'}", WithDefaults.class, "model"));
        assertEquals("[model] hidden[1] must be an integer, got 2.5",
                error("{'hidden': [1, 2.5]}", WithDefaults.class, "model"));
        assertEquals("[c] links[0].mbps must be a number, got \"fast\"",
                error("{'levels': 1, 'links': [{'name': 'a', 'mbps': 'fast'}]}", Plain.class, "c"));
        assertEquals("fraction must be a number, got true", error("{'fraction': true}", WithDefaults.class, null));
        assertEquals("[c] per-layer must be a boolean, got \"yes\"",
                error("{'levels': 1, 'per-layer': 'yes'}", Plain.class, "c"));
        assertEquals("[x] must be a table, got 0.05", error("0.05", Plain.class, "x"));
    }

    @Test
    void absentNumbersAndValidationErrorsNameTheKey() {
        assertEquals("[c] needs key 'levels' (an integer)", error("{}", Plain.class, "c"));
        assertEquals("[c] needs key 'main.mbps' (a number)", error("{'levels': 1, 'main': {}}", Plain.class, "c"));
        assertEquals("[s] fraction must be in (0, 1], got 1.5", error("{'fraction': 1.5}", WithDefaults.class, "s"));
        assertTrue(error("{'levels': 1, 'main': {'mbps': -1}}", Plain.class, "c")
                .startsWith("[c] main: mbps must be > 0, got -1.0"));
    }

    @Test
    void aRecordWritesBackToATableThatBindsToTheSameRecord() {
        // Prepare
        WithDefaults d = new WithDefaults(0.25, 3, List.of(8, 4), null);

        // Execute
        JsonNode table = ConfigBinder.table("fedavg", d);

        // Assert
        assertEquals("{\"type\":\"fedavg\",\"fraction\":0.25,\"min-clients\":3,\"hidden\":[8,4]}", table.toString());
        assertEquals(d, ConfigBinder.bind(table, WithDefaults.class, "strategy"));
        assertEquals(List.of("fraction", "min-clients", "hidden", "rule"), ConfigBinder.keyNames(WithDefaults.class));
    }
}
