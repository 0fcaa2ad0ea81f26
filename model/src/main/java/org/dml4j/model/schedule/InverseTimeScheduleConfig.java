package org.dml4j.model.schedule;

/**
 * Configuration of {@code type = "inverse-time"}: {@code rate(t) = learningRate / (1 + decay·t)}, the
 * {@code O(1/t)} decay that convergence analyses of FedAvg on strongly convex objectives assume.
 *
 * <pre>
 * schedule = { type = "inverse-time", learning-rate = 0.1, decay = 0.01 }
 * </pre>
 *
 * @param learningRate the rate of round 0, positive and finite
 * @param decay        decay per round, at least 0 and finite (0 gives a constant rate)
 */
public record InverseTimeScheduleConfig(double learningRate, double decay) implements ScheduleConfig {
    /** Validates, naming the bad field. */
    public InverseTimeScheduleConfig {
        LearningRateSchedule.checkRate("learning-rate", learningRate);
        if (!(decay >= 0) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("decay must be >= 0 and finite, got " + decay);
        }
    }
}
