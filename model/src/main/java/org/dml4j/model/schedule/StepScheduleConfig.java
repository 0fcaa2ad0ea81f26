package org.dml4j.model.schedule;

/**
 * Configuration of {@code type = "step"}: the rate is multiplied by {@code gamma} every {@code every} rounds.
 *
 * <pre>
 * schedule = { type = "step", learning-rate = 0.1, gamma = 0.5, every = 50 }
 * </pre>
 *
 * @param learningRate the rate of rounds {@code 0 … every − 1}, positive and finite
 * @param gamma        the factor, in (0, 1]; null means 0.1
 * @param every        rounds between decays, at least 1; required
 */
public record StepScheduleConfig(double learningRate, Double gamma, Integer every) implements ScheduleConfig {
    /** Default decay factor. */
    public static final double GAMMA_DEFAULT = 0.1;

    /** Fills in defaults and validates, naming the bad field. */
    public StepScheduleConfig {
        LearningRateSchedule.checkRate("learning-rate", learningRate);
        gamma = gamma == null ? GAMMA_DEFAULT : gamma;
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        }
        if (every == null) {
            throw new IllegalArgumentException("every is required (rounds between decays)");
        }
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1, got " + every);
        }
    }
}
