package org.dml4j.parallel.partition;

import java.util.Arrays;
import org.dml4j.parallel.pipeline.StageCosts;

/**
 * A split of {@code L} layers into {@code p} contiguous, non-empty pipeline stages: stage {@code s} holds layers
 * {@code [firstLayer(s), endLayer(s))} and runs on device {@code s}.
 *
 * <p>Immutable and thread-safe; array accessors return copies.
 */
public final class Partition {
    private final int[] starts;
    private final double[] stageTime;
    private final double[] stageMemory;

    Partition(int[] starts, double[] stageTime, double[] stageMemory) {
        this.starts = starts;
        this.stageTime = stageTime;
        this.stageMemory = stageMemory;
    }

    /**
     * Evaluates a given split.
     *
     * @param layers       the layers
     * @param devices      the devices
     * @param layerCounts  layers per stage, each {@code >= 1}, summing to {@code L}
     * @return the partition with its stage times and memory
     */
    public static Partition of(LayerCosts layers, DeviceSpecs devices, int... layerCounts) {
        int p = devices.stages();
        if (layerCounts.length != p) {
            throw new IllegalArgumentException("layerCounts must have " + p + " (stages) values, got "
                    + layerCounts.length);
        }
        int[] starts = new int[p + 1];
        for (int s = 0; s < p; s++) {
            if (layerCounts[s] < 1) {
                throw new IllegalArgumentException("layerCounts[" + s + "] must be >= 1, got " + layerCounts[s]);
            }
            starts[s + 1] = starts[s] + layerCounts[s];
        }
        if (starts[p] != layers.layers()) {
            throw new IllegalArgumentException("layerCounts must sum to " + layers.layers() + " (layers), got "
                    + starts[p]);
        }
        return evaluate(layers, devices, starts);
    }

    static Partition evaluate(LayerCosts layers, DeviceSpecs devices, int[] starts) {
        int p = devices.stages();
        double[] time = new double[p];
        double[] mem = new double[p];
        for (int s = 0; s < p; s++) {
            double t = 0;
            double st = 0;
            double act = 0;
            for (int l = starts[s]; l < starts[s + 1]; l++) {
                t += layers.time(l);
                st += layers.staticMemory(l);
                act += layers.activationMemory(l);
            }
            time[s] = t / devices.speed(s);
            mem[s] = st + devices.inFlight(s) * act;
        }
        return new Partition(starts, time, mem);
    }

    /** @return the number of stages */
    public int stages() {
        return stageTime.length;
    }

    /**
     * @param s a stage
     * @return its first layer
     */
    public int firstLayer(int s) {
        return starts[s];
    }

    /**
     * @param s a stage
     * @return one past its last layer
     */
    public int endLayer(int s) {
        return starts[s + 1];
    }

    /** @return layers per stage */
    public int[] layerCounts() {
        int[] c = new int[stageTime.length];
        for (int s = 0; s < c.length; s++) {
            c[s] = starts[s + 1] - starts[s];
        }
        return c;
    }

    /**
     * @param s a stage
     * @return its time per micro-batch on its device (F + B + W, speed applied)
     */
    public double stageTime(int s) {
        return stageTime[s];
    }

    /**
     * @param s a stage
     * @return its peak memory: static + in-flight micro-batches times activations
     */
    public double stageMemory(int s) {
        return stageMemory[s];
    }

    /** @return the slowest stage's time, which sets the pipeline's throughput */
    public double bottleneck() {
        double max = 0;
        for (double t : stageTime) {
            max = Math.max(max, t);
        }
        return max;
    }

    /** @return the index of the slowest stage (the first one on ties) */
    public int bottleneckStage() {
        int best = 0;
        for (int s = 1; s < stageTime.length; s++) {
            if (stageTime[s] > stageTime[best]) {
                best = s;
            }
        }
        return best;
    }

    /**
     * Stage costs for the pipeline simulator: each stage's F, B and W are its layers' sums (at unit speed), its
     * activation and static memory the layers' sums, and the devices' speeds and limits carried over.
     *
     * @param layers  the layers that were split
     * @param devices the devices
     * @param p2pTime point-to-point time between stages
     * @return the costs of this partition
     */
    public StageCosts toStageCosts(LayerCosts layers, DeviceSpecs devices, double p2pTime) {
        int p = stages();
        double[] f = new double[p];
        double[] b = new double[p];
        double[] w = new double[p];
        double[] act = new double[p];
        double[] st = new double[p];
        for (int s = 0; s < p; s++) {
            for (int l = starts[s]; l < starts[s + 1]; l++) {
                f[s] += layers.forward(l);
                b[s] += layers.backward(l);
                w[s] += layers.weight(l);
                act[s] += layers.activationMemory(l);
                st[s] += layers.staticMemory(l);
            }
        }
        return StageCosts.builder(p).forward(f).backward(b).weight(w).activationMemory(act).staticMemory(st)
                .memoryLimit(devices.memoryLimits()).deviceSpeed(devices.speeds()).p2pTime(p2pTime).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Partition x && Arrays.equals(starts, x.starts)
                && Arrays.equals(stageTime, x.stageTime) && Arrays.equals(stageMemory, x.stageMemory);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "Partition[layers per stage=" + Arrays.toString(layerCounts()) + ", bottleneck=" + bottleneck()
                + " (stage " + bottleneckStage() + ")]";
    }
}
