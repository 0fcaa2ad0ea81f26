package org.dml4j.model.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LearningRateScheduleTest {
    @Test
    void constantGivesTheSameRateEveryRound() {
        // Prepare
        LearningRateSchedule s = LearningRateSchedules.create("constant", new ConstantScheduleConfig(0.05));

        // Execute / Assert
        assertEquals(0.05, s.rate(0));
        assertEquals(0.05, s.rate(1_000_000));
    }

    @Test
    void stepHalvesEveryThreeRounds() {
        // Prepare
        LearningRateSchedule s = LearningRateSchedules.create("step", new StepScheduleConfig(0.1, 0.5, 3));

        // Execute
        double[] r = s.rates(10);

        // Assert: 0.1 for rounds 0-2, 0.05 for 3-5, 0.025 for 6-8, 0.0125 for 9
        assertArrayEquals(new double[] {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125}, r, 1e-15);
    }

    @Test
    void stepDefaultsGammaToATenth() {
        // Prepare
        StepScheduleConfig c = new StepScheduleConfig(1.0, null, 10);

        // Execute / Assert
        assertEquals(0.1, c.gamma());
        assertEquals(0.01, new StepSchedule(c).rate(25), 1e-15);
    }

    @Test
    void inverseTimeDecaysAsOneOverT() {
        // Prepare
        LearningRateSchedule s = LearningRateSchedules.create("inverse-time",
                new InverseTimeScheduleConfig(0.1, 0.5));

        // Execute / Assert: 0.1 / (1 + 0.5 t)
        assertEquals(0.1, s.rate(0), 1e-15);
        assertEquals(0.1 / 1.5, s.rate(1), 1e-15);
        assertEquals(0.05, s.rate(2), 1e-15);
        assertEquals(0.025, s.rate(6), 1e-15);
        assertEquals(0.1 / 51, s.rate(100), 1e-15);
    }

    @Test
    void providersAreFoundByNameAndCheckTheirConfigType() {
        // Execute / Assert
        assertEquals(List.of("constant", "inverse-time", "step"), LearningRateSchedules.registry().names());
        assertEquals(StepScheduleConfig.class, LearningRateSchedules.registry().get("step").configType());
        assertMessage("StepScheduleConfig",
                () -> LearningRateSchedules.create("step", new ConstantScheduleConfig(0.1)));
        assertMessage("known: constant, inverse-time, step",
                () -> LearningRateSchedules.create("cosine", new ConstantScheduleConfig(0.1)));
    }

    @Test
    void badConfigsAndRoundsNameTheField() {
        assertMessage("learning-rate", () -> new ConstantScheduleConfig(0));
        assertMessage("learning-rate", () -> new ConstantScheduleConfig(Double.NaN));
        assertMessage("learning-rate", () -> new StepScheduleConfig(-1, 0.5, 2));
        assertMessage("gamma", () -> new StepScheduleConfig(0.1, 1.5, 2));
        assertMessage("every", () -> new StepScheduleConfig(0.1, 0.5, 0));
        assertMessage("every", () -> new StepScheduleConfig(0.1, 0.5, null));
        assertMessage("decay", () -> new InverseTimeScheduleConfig(0.1, -0.1));
        assertMessage("learning-rate", () -> new InverseTimeScheduleConfig(Double.POSITIVE_INFINITY, 0.1));
        assertMessage("round", () -> new ConstantSchedule(new ConstantScheduleConfig(0.1)).rate(-1));
        assertMessage("rounds", () -> new ConstantSchedule(new ConstantScheduleConfig(0.1)).rates(-1));
    }

    private static void assertMessage(String part, Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }
}
