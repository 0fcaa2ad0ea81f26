package org.dml4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import org.dml4j.model.djl.CnnConfig;
import org.dml4j.model.djl.LeNet5Config;
import org.dml4j.model.djl.LogisticConfig;
import org.dml4j.model.djl.MlpConfig;
import org.dml4j.model.schedule.InverseTimeScheduleConfig;
import org.dml4j.model.schedule.StepScheduleConfig;
import org.junit.jupiter.api.Test;

/** The config records bind from kebab-case tables, the way experiment files are read. */
class ConfigBindingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void modelConfigsBindAndFillDefaults() throws Exception {
        // Execute
        CnnConfig cnn = MAPPER.readValue("{\"channels\": [16, 32]}", CnnConfig.class);
        MlpConfig mlp = MAPPER.readValue("{}", MlpConfig.class);
        LeNet5Config lenet = MAPPER.readValue("{\"activation\": \"tanh\", \"pooling\": \"avg\", \"padding\": 0}",
                LeNet5Config.class);
        LogisticConfig logistic = MAPPER.readValue("{\"bias\": false}", LogisticConfig.class);

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
            String json = MAPPER.writeValueAsString(c);

            // Assert
            assertEquals(c, MAPPER.readValue(json, c.getClass()), json);
        }
    }

    @Test
    void scheduleConfigsBindFromKebabCase() throws Exception {
        // Execute
        StepScheduleConfig step = MAPPER.readValue("{\"learning-rate\": 0.1, \"every\": 10}",
                StepScheduleConfig.class);
        InverseTimeScheduleConfig inv = MAPPER.readValue("{\"learning-rate\": 0.2, \"decay\": 0.5}",
                InverseTimeScheduleConfig.class);

        // Assert
        assertEquals(new StepScheduleConfig(0.1, 0.1, 10), step);
        assertEquals(new InverseTimeScheduleConfig(0.2, 0.5), inv);
    }

    @Test
    void validationMessagesComeThroughBinding() {
        // Execute
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> MAPPER.readValue("{\"kernel\": 4}", CnnConfig.class));

        // Assert
        assertTrue(e.getMessage().contains("kernel must be odd"), e.getMessage());
    }
}
