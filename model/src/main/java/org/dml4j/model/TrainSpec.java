package org.dml4j.model;

/**
 * What one call to {@link Model#train} does: {@code steps} mini-batch SGD steps of {@code batchSize} samples drawn by
 * reshuffling the local data each epoch, with momentum and weight decay, and an optional FedProx proximal term
 * {@code (mu/2)·||w − proxCenter||²}; or, with an {@link AdamState}, AdamW steps that continue that state (then
 * momentum and the proximal term must be 0, and weight decay is AdamW's decoupled decay).
 *
 * @param steps        number of SGD steps, at least 1
 * @param batchSize    samples per step, at least 1
 * @param learningRate step size, positive and finite
 * @param momentum     heavy-ball momentum in [0, 1); the buffer starts at zero on every call
 * @param weightDecay  L2 coefficient, at least 0
 * @param proxMu       FedProx mu, at least 0 (0 switches the term off)
 * @param proxCenter   the global parameters the proximal term pulls towards; null when {@code proxMu == 0}
 * @param adam         AdamW's state, read and written back by the call, or null for SGD
 */
public record TrainSpec(int steps, int batchSize, float learningRate, float momentum, float weightDecay,
                        float proxMu, float[] proxCenter, AdamState adam) {
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
        if (adam != null && (momentum != 0 || proxMu != 0)) {
            throw new IllegalArgumentException("AdamW takes no momentum and no proximal term, got momentum = "
                    + momentum + ", mu = " + proxMu);
        }
    }

    /**
     * SGD with momentum, decay and an optional proximal term (no AdamW state).
     *
     * @param steps        steps
     * @param batchSize    batch size
     * @param learningRate step size
     * @param momentum     heavy-ball momentum
     * @param weightDecay  L2 coefficient
     * @param proxMu       FedProx mu
     * @param proxCenter   FedProx centre, or null
     */
    public TrainSpec(int steps, int batchSize, float learningRate, float momentum, float weightDecay, float proxMu,
                     float[] proxCenter) {
        this(steps, batchSize, learningRate, momentum, weightDecay, proxMu, proxCenter, null);
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
