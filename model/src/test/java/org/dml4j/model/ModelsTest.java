package org.dml4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsTest {
    @Test
    void providersAreFoundByName() {
        // Execute
        List<String> names = Models.registry().names();

        // Assert
        assertEquals(List.of("cnn", "lenet5", "logistic", "mlp"), names);
        for (String n : names) {
            ModelProvider p = Models.provider(n);
            assertEquals(n, p.name());
            assertTrue(ModelConfig.class.isAssignableFrom(p.configType()));
            assertTrue(p.configType().isRecord(), p.configType() + " is a record");
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.provider("resnet"));

        // Assert
        assertTrue(e.getMessage().contains("known: cnn, lenet5, logistic, mlp"), e.getMessage());
    }
}
