package org.dml4j.model;

/**
 * What one call to {@link Model#train} does: {@code steps} mini-batch SGD steps of {@code batchSize} samples drawn by
 * reshuffling the local data each epoch, with momentum and weight decay, and an optional FedProx proximal term
 * {@code (mu/2)·||w − proxCenter||²}.
 *
 * @param steps        number of SGD steps, at least 1
 * @param batchSize    samples per step, at least 1
 * @param learningRate step size, positive and finite
 * @param momentum     heavy-ball momentum in [0, 1); the buffer starts at zero on every call
 * @param weightDecay  L2 coefficient, at least 0
 * @param proxMu       FedProx mu, at least 0 (0 switches the term off)
 * @param proxCenter   the global parameters the proximal term pulls towards; null when {@code proxMu == 0}
 */
public record TrainSpec(int steps, int batchSize, float learningRate, float momentum, float weightDecay,
                        float proxMu, float[] proxCenter) {
    /** Validates the fields, naming the bad one. */
    public TrainSpec {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning-rate must be positive and finite, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight-decay must be >= 0, got " + weightDecay);
        }
        if (!(proxMu >= 0) || !Float.isFinite(proxMu)) {
            throw new IllegalArgumentException("mu must be >= 0, got " + proxMu);
        }
        if (proxMu > 0 && proxCenter == null) {
            throw new IllegalArgumentException("proxCenter is required when mu > 0");
        }
    }

    /**
     * Plain SGD without momentum, decay or proximal term.
     *
     * @param steps        steps
     * @param batchSize    batch size
     * @param learningRate step size
     * @return the spec
     */
    public static TrainSpec sgd(int steps, int batchSize, float learningRate) {
        return new TrainSpec(steps, batchSize, learningRate, 0f, 0f, 0f, null);
    }
}
