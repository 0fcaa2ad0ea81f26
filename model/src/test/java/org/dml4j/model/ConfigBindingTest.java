package org.dml4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.dml4j.core.config.ConfigBinder;
import org.dml4j.model.djl.CnnConfig;
import org.dml4j.model.djl.LeNet5Config;
import org.dml4j.model.djl.LogisticConfig;
import org.dml4j.model.djl.MlpConfig;
import org.dml4j.model.schedule.InverseTimeScheduleConfig;
import org.dml4j.model.schedule.StepScheduleConfig;
import org.junit.jupiter.api.Test;

/** The config records bind from kebab-case tables with the one {@link ConfigBinder}, as experiment files are read. */
class ConfigBindingTest {
    private static <T> T bind(String json, Class<T> type) throws Exception {
        JsonNode table = new ObjectMapper().readTree(json);
        return ConfigBinder.bind(table, type, "model");
    }

    @Test
    void modelConfigsBindAndFillDefaults() throws Exception {
        // Execute
        CnnConfig cnn = bind("{\"channels\": [16, 32]}", CnnConfig.class);
        MlpConfig mlp = bind("{}", MlpConfig.class);
        LeNet5Config lenet = bind("{\"activation\": \"tanh\", \"pooling\": \"avg\", \"padding\": 0}",
                LeNet5Config.class);
        LogisticConfig logistic = bind("{\"bias\": false}", LogisticConfig.class);

        // Assert
        assertEquals(new CnnConfig(List.of(16, 32), 5, 512), cnn);
        assertEquals(MlpConfig.defaults(), mlp);
        assertEquals(new LeNet5Config(null, null, 0, "tanh", "avg"), lenet);
        assertEquals(new LogisticConfig(false), logistic);
    }

    @Test
    void defaultsSurviveARoundTrip() throws Exception {
        for (ModelConfig c : List.of(CnnConfig.defaults(), MlpConfig.defaults(), LeNet5Config.defaults(),
                LogisticConfig.defaults())) {
            // Execute
            JsonNode table = ConfigBinder.table(c);

            // Assert
            assertEquals(c, ConfigBinder.bind(table, c.getClass(), "model"), table.toString());
        }
    }

    @Test
    void scheduleConfigsBindFromKebabCase() throws Exception {
        // Execute
        StepScheduleConfig step = bind("{\"learning-rate\": 0.1, \"every\": 10}", StepScheduleConfig.class);
        InverseTimeScheduleConfig inv = bind("{\"learning-rate\": 0.2, \"decay\": 0.5}",
                InverseTimeScheduleConfig.class);

        // Assert
        assertEquals(new StepScheduleConfig(0.1, 0.1, 10), step);
        assertEquals(new InverseTimeScheduleConfig(0.2, 0.5), inv);
    }

    @Test
    void validationMessagesComeThroughBinding() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bind("{\"kernel\": 4}", CnnConfig.class));
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> bind("{\"chanels\": [8]}", CnnConfig.class));

        // Assert
        assertTrue(e.getMessage().startsWith("[model] kernel must be odd"), e.getMessage());
        assertEquals("[model] has unknown key 'chanels'; known: channels, kernel, hidden", typo.getMessage());
    }
}
