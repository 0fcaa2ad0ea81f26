package org.dml4j.parallel.pipeline;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one pipeline iteration costs, stage by stage: the time of a forward pass (F), a backward pass for the inputs
 * (B) and a backward pass for the weights (W) of one micro-batch on each stage, the point-to-point transfer time of
 * an activation (or its gradient) between two devices, the activation memory one micro-batch holds on each stage,
 * the static memory (weights, gradients, optimizer state) and memory limit of each device, and each device's speed.
 *
 * <p>Stage {@code s} runs on device {@code s}. Times are for a device of speed 1; a device of speed {@code x} runs
 * an operation in {@code time / x}. Stage times may be uneven. The classic "backward" is {@code B + W}; schedules
 * that do not split it (GPipe, 1F1B, interleaved 1F1B) run it as one operation. With {@code v} model chunks per
 * device, each chunk costs {@code 1/v} of its device's stage time and activation memory.
 *
 * <p>Memory model (Qi et al., ICLR 2024, Table 1): a forward pass allocates the stage's activation memory for its
 * micro-batch; a fused backward frees all of it; a split B frees {@code (1 - weightMemoryFraction)} of it and the
 * matching W frees the rest. The default fraction 1 is conservative (W keeps everything until it runs).
 *
 * <pre>
 * GPipe: Huang et al., "GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism", NeurIPS 2019.
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021.
 * Qi, Wan, Huang, Lin, "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024.
 * </pre>
 *
 * <p>Immutable and thread-safe; accessors return copies of arrays.
 */
public final class StageCosts {
    private final double[] forward;
    private final double[] backward;
    private final double[] weight;
    private final double p2pTime;
    private final double[] activationMemory;
    private final double weightMemoryFraction;
    private final double[] staticMemory;
    private final double[] memoryLimit;
    private final double[] deviceSpeed;

    private StageCosts(Builder b) {
        int p = b.stages;
        this.forward = times("forward", b.forward, p);
        this.backward = times("backward", b.backward, p);
        this.weight = times("weight", b.weight, p);
        if (!(b.p2pTime >= 0) || Double.isInfinite(b.p2pTime)) {
            throw new IllegalArgumentException("p2pTime must be a finite number >= 0, got " + b.p2pTime);
        }
        this.p2pTime = b.p2pTime;
        this.activationMemory = times("activationMemory", b.activationMemory, p);
        if (!(b.weightMemoryFraction >= 0 && b.weightMemoryFraction <= 1)) {
            throw new IllegalArgumentException("weightMemoryFraction must be in [0,1], got " + b.weightMemoryFraction);
        }
        this.weightMemoryFraction = b.weightMemoryFraction;
        this.staticMemory = times("staticMemory", b.staticMemory, p);
        this.memoryLimit = expand("memoryLimit", b.memoryLimit, p);
        for (int s = 0; s < p; s++) {
            if (!(memoryLimit[s] > 0)) {
                throw new IllegalArgumentException("memoryLimit[" + s + "] must be > 0 (or Infinity), got "
                        + memoryLimit[s]);
            }
        }
        this.deviceSpeed = expand("deviceSpeed", b.deviceSpeed, p);
        for (int s = 0; s < p; s++) {
            if (!(deviceSpeed[s] > 0) || Double.isInfinite(deviceSpeed[s])) {
                throw new IllegalArgumentException("deviceSpeed[" + s + "] must be a finite number > 0, got "
                        + deviceSpeed[s]);
            }
        }
    }

    private static double[] times(String field, double[] values, int p) {
        double[] a = expand(field, values, p);
        for (int s = 0; s < p; s++) {
            if (!(a[s] >= 0) || Double.isInfinite(a[s])) {
                throw new IllegalArgumentException(field + "[" + s + "] must be a finite number >= 0, got " + a[s]);
            }
        }
        return a;
    }

    private static double[] expand(String field, double[] values, int p) {
        Objects.requireNonNull(values, field);
        if (values.length == 1) {
            double[] a = new double[p];
            Arrays.fill(a, values[0]);
            return a;
        }
        if (values.length != p) {
            throw new IllegalArgumentException(field + " must have 1 or " + p + " (stages) values, got "
                    + values.length);
        }
        return values.clone();
    }

    /**
     * Equal stages with no communication, no memory use and unit device speeds: the setting of the closed forms.
     *
     * @param stages pipeline stages (devices), at least 1
     * @param f      forward time of one micro-batch on one stage
     * @param b      backward-for-inputs time
     * @param w      backward-for-weights time
     * @return the costs
     */
    public static StageCosts uniform(int stages, double f, double b, double w) {
        return builder(stages).forward(f).backward(b).weight(w).build();
    }

    /**
     * @param stages pipeline stages (devices), at least 1
     * @return a builder with all times and memory 0, unlimited memory and unit speeds
     */
    public static Builder builder(int stages) {
        return new Builder(stages);
    }

    /** @return a builder holding these costs, to derive modified costs from */
    public Builder toBuilder() {
        Builder b = new Builder(stages());
        b.forward = forward.clone();
        b.backward = backward.clone();
        b.weight = weight.clone();
        b.p2pTime = p2pTime;
        b.activationMemory = activationMemory.clone();
        b.weightMemoryFraction = weightMemoryFraction;
        b.staticMemory = staticMemory.clone();
        b.memoryLimit = memoryLimit.clone();
        b.deviceSpeed = deviceSpeed.clone();
        return b;
    }

    /**
     * @param limit the same memory limit for every device (bytes, or any unit consistent with the activations)
     * @return these costs with that limit
     */
    public StageCosts withMemoryLimit(double limit) {
        return toBuilder().memoryLimit(limit).build();
    }

    /** @return the number of stages, which is the number of devices */
    public int stages() {
        return forward.length;
    }

    /**
     * @param stage a stage index
     * @return its forward time at unit speed
     */
    public double forward(int stage) {
        return forward[stage];
    }

    /**
     * @param stage a stage index
     * @return its backward-for-inputs time at unit speed
     */
    public double backward(int stage) {
        return backward[stage];
    }

    /**
     * @param stage a stage index
     * @return its backward-for-weights time at unit speed
     */
    public double weight(int stage) {
        return weight[stage];
    }

    /** @return the time to send one activation (or activation gradient) between two devices */
    public double p2pTime() {
        return p2pTime;
    }

    /**
     * @param stage a stage index
     * @return activation memory one micro-batch holds on the stage
     */
    public double activationMemory(int stage) {
        return activationMemory[stage];
    }

    /** @return the share of a micro-batch's activation memory that a split B keeps until its W runs */
    public double weightMemoryFraction() {
        return weightMemoryFraction;
    }

    /**
     * @param stage a stage index
     * @return the device's static memory (weights, gradients, optimizer state)
     */
    public double staticMemory(int stage) {
        return staticMemory[stage];
    }

    /**
     * @param stage a stage index
     * @return the device's memory limit ({@code Infinity} when unlimited)
     */
    public double memoryLimit(int stage) {
        return memoryLimit[stage];
    }

    /**
     * @param stage a stage index
     * @return the device's relative speed
     */
    public double deviceSpeed(int stage) {
        return deviceSpeed[stage];
    }

    /** @return a copy of the forward times */
    public double[] forwardTimes() {
        return forward.clone();
    }

    /** @return a copy of the backward-for-inputs times */
    public double[] backwardTimes() {
        return backward.clone();
    }

    /** @return a copy of the backward-for-weights times */
    public double[] weightTimes() {
        return weight.clone();
    }

    /** @return a copy of the per-stage activation memory per micro-batch */
    public double[] activationMemories() {
        return activationMemory.clone();
    }

    /** @return a copy of the per-device memory limits */
    public double[] memoryLimits() {
        return memoryLimit.clone();
    }

    /** @return a copy of the per-device static memory */
    public double[] staticMemories() {
        return staticMemory.clone();
    }

    /** @return a copy of the device speeds */
    public double[] deviceSpeeds() {
        return deviceSpeed.clone();
    }

    /**
     * @param stage a stage index
     * @return compute time of one micro-batch's F, B and W on the stage's device (speed applied)
     */
    public double computePerMicrobatch(int stage) {
        return (forward[stage] + backward[stage] + weight[stage]) / deviceSpeed[stage];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageCosts c && Arrays.equals(forward, c.forward) && Arrays.equals(backward, c.backward)
                && Arrays.equals(weight, c.weight) && p2pTime == c.p2pTime
                && Arrays.equals(activationMemory, c.activationMemory)
                && weightMemoryFraction == c.weightMemoryFraction && Arrays.equals(staticMemory, c.staticMemory)
                && Arrays.equals(memoryLimit, c.memoryLimit) && Arrays.equals(deviceSpeed, c.deviceSpeed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(forward), Arrays.hashCode(backward), Arrays.hashCode(weight), p2pTime,
                Arrays.hashCode(activationMemory), weightMemoryFraction, Arrays.hashCode(staticMemory),
                Arrays.hashCode(memoryLimit), Arrays.hashCode(deviceSpeed));
    }

    @Override
    public String toString() {
        return "StageCosts[stages=" + stages() + ", forward=" + Arrays.toString(forward) + ", backward="
                + Arrays.toString(backward) + ", weight=" + Arrays.toString(weight) + ", p2pTime=" + p2pTime
                + ", activationMemory=" + Arrays.toString(activationMemory) + ", weightMemoryFraction="
                + weightMemoryFraction + ", staticMemory=" + Arrays.toString(staticMemory) + ", memoryLimit="
                + Arrays.toString(memoryLimit) + ", deviceSpeed=" + Arrays.toString(deviceSpeed) + "]";
    }

    /**
     * Builds {@link StageCosts}. Every per-stage setter takes either one value (used for every stage) or one value
     * per stage. Validation happens in {@link #build()}, naming the bad field and value.
     *
     * <p>Not thread-safe; one owner.
     */
    public static final class Builder {
        private final int stages;
        private double[] forward = {0};
        private double[] backward = {0};
        private double[] weight = {0};
        private double p2pTime;
        private double[] activationMemory = {0};
        private double weightMemoryFraction = 1;
        private double[] staticMemory = {0};
        private double[] memoryLimit = {Double.POSITIVE_INFINITY};
        private double[] deviceSpeed = {1};

        private Builder(int stages) {
            if (stages < 1) {
                throw new IllegalArgumentException("stages must be >= 1, got " + stages);
            }
            this.stages = stages;
        }

        /**
         * @param t forward time(s)
         * @return this builder
         */
        public Builder forward(double... t) {
            forward = t.clone();
            return this;
        }

        /**
         * @param t backward-for-inputs time(s)
         * @return this builder
         */
        public Builder backward(double... t) {
            backward = t.clone();
            return this;
        }

        /**
         * @param t backward-for-weights time(s)
         * @return this builder
         */
        public Builder weight(double... t) {
            weight = t.clone();
            return this;
        }

        /**
         * @param t point-to-point transfer time between two devices
         * @return this builder
         */
        public Builder p2pTime(double t) {
            p2pTime = t;
            return this;
        }

        /**
         * @param bytes activation memory per micro-batch per stage
         * @return this builder
         */
        public Builder activationMemory(double... bytes) {
            activationMemory = bytes.clone();
            return this;
        }

        /**
         * @param fraction share of activation memory a split B keeps until W
         * @return this builder
         */
        public Builder weightMemoryFraction(double fraction) {
            weightMemoryFraction = fraction;
            return this;
        }

        /**
         * @param bytes static memory per device
         * @return this builder
         */
        public Builder staticMemory(double... bytes) {
            staticMemory = bytes.clone();
            return this;
        }

        /**
         * @param bytes memory limit per device ({@code Double.POSITIVE_INFINITY}: none)
         * @return this builder
         */
        public Builder memoryLimit(double... bytes) {
            memoryLimit = bytes.clone();
            return this;
        }

        /**
         * @param speed relative device speed(s), {@code > 0}
         * @return this builder
         */
        public Builder deviceSpeed(double... speed) {
            deviceSpeed = speed.clone();
            return this;
        }

        /**
         * @return the validated costs
         * @throws IllegalArgumentException naming the field and value when one is out of range
         */
        public StageCosts build() {
            return new StageCosts(this);
        }
    }
}
