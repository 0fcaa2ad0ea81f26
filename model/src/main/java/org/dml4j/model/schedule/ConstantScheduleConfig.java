package org.dml4j.model.schedule;

/**
 * Configuration of {@code type = "constant"}: the same rate in every round.
 *
 * <pre>
 * schedule = { type = "constant", learning-rate = 0.05 }
 * </pre>
 *
 * @param learningRate the rate, positive and finite
 */
public record ConstantScheduleConfig(double learningRate) implements ScheduleConfig {
    /** Validates, naming the bad field. */
    public ConstantScheduleConfig {
        LearningRateSchedule.checkRate("learning-rate", learningRate);
    }
}
