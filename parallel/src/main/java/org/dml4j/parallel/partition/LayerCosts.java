package org.dml4j.parallel.partition;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-layer costs of a model to be split into pipeline stages: forward, backward-for-inputs and
 * backward-for-weights time of one micro-batch (on a device of speed 1), static memory (weights, gradients,
 * optimizer state) and activation memory one micro-batch holds.
 *
 * <p>Immutable and thread-safe; array accessors return copies.
 */
public final class LayerCosts {
    private final double[] forward;
    private final double[] backward;
    private final double[] weight;
    private final double[] staticMemory;
    private final double[] activationMemory;

    private LayerCosts(double[] forward, double[] backward, double[] weight, double[] staticMemory,
                       double[] activationMemory) {
        int n = Objects.requireNonNull(forward, "forward").length;
        if (n < 1) {
            throw new IllegalArgumentException("layers must be >= 1, got 0");
        }
        this.forward = check("forward", forward, n);
        this.backward = check("backward", backward, n);
        this.weight = check("weight", weight, n);
        this.staticMemory = check("staticMemory", staticMemory, n);
        this.activationMemory = check("activationMemory", activationMemory, n);
    }

    private static double[] check(String field, double[] a, int n) {
        Objects.requireNonNull(a, field);
        if (a.length != n) {
            throw new IllegalArgumentException(field + " must have " + n + " (layers) values, got " + a.length);
        }
        for (int i = 0; i < n; i++) {
            if (!(a[i] >= 0) || Double.isInfinite(a[i])) {
                throw new IllegalArgumentException(field + "[" + i + "] must be a finite number >= 0, got " + a[i]);
            }
        }
        return a.clone();
    }

    /**
     * @param forward          forward time per layer
     * @param backward         backward-for-inputs time per layer
     * @param weight           backward-for-weights time per layer
     * @param staticMemory     static memory per layer
     * @param activationMemory activation memory per layer and micro-batch
     * @return the validated costs
     * @throws IllegalArgumentException naming the field, index and value when one is negative or not finite
     */
    public static LayerCosts of(double[] forward, double[] backward, double[] weight, double[] staticMemory,
                                double[] activationMemory) {
        return new LayerCosts(forward, backward, weight, staticMemory, activationMemory);
    }

    /**
     * Layers with only a total time (forward + backward) and a memory footprint.
     *
     * @param time   time per layer and micro-batch
     * @param memory memory per layer (counted as static)
     * @return the costs (time is put in {@code forward}; backward and weight are 0)
     */
    public static LayerCosts ofTimeAndMemory(double[] time, double[] memory) {
        double[] zero = new double[Objects.requireNonNull(time, "time").length];
        return new LayerCosts(time, zero, zero, memory, zero);
    }

    /** @return the number of layers {@code L} */
    public int layers() {
        return forward.length;
    }

    /**
     * @param l a layer
     * @return its forward time
     */
    public double forward(int l) {
        return forward[l];
    }

    /**
     * @param l a layer
     * @return its backward-for-inputs time
     */
    public double backward(int l) {
        return backward[l];
    }

    /**
     * @param l a layer
     * @return its backward-for-weights time
     */
    public double weight(int l) {
        return weight[l];
    }

    /**
     * @param l a layer
     * @return {@code F + B + W} of one micro-batch
     */
    public double time(int l) {
        return forward[l] + backward[l] + weight[l];
    }

    /**
     * @param l a layer
     * @return its static memory
     */
    public double staticMemory(int l) {
        return staticMemory[l];
    }

    /**
     * @param l a layer
     * @return its activation memory per micro-batch
     */
    public double activationMemory(int l) {
        return activationMemory[l];
    }

    /** @return a copy of the per-layer forward times */
    public double[] forwardTimes() {
        return forward.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerCosts c && Arrays.equals(forward, c.forward) && Arrays.equals(backward, c.backward)
                && Arrays.equals(weight, c.weight) && Arrays.equals(staticMemory, c.staticMemory)
                && Arrays.equals(activationMemory, c.activationMemory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(forward), Arrays.hashCode(backward), Arrays.hashCode(weight),
                Arrays.hashCode(staticMemory), Arrays.hashCode(activationMemory));
    }

    @Override
    public String toString() {
        return "LayerCosts[layers=" + layers() + "]";
    }
}
