package org.dml4j.parallel.pipeline;

import java.util.Objects;

/**
 * Peak memory of each device under a schedule: static memory plus the activations alive at the worst point of the
 * device's order. A forward allocates {@code activationMemory / v}; a fused backward frees it; a split B frees
 * {@code (1 - weightMemoryFraction)} of it and W the rest (Qi et al., ICLR 2024, Table 1). Memory depends only on
 * the order of operations on the device, not on their timing.
 *
 * <p>Immutable and thread-safe.
 */
public final class MemoryProfile {
    private final double[] peak;
    private final double[] peakInFlight;

    private MemoryProfile(double[] peak, double[] peakInFlight) {
        this.peak = peak;
        this.peakInFlight = peakInFlight;
    }

    /**
     * @param schedule a schedule
     * @param costs    its stage costs
     * @return the per-device peaks
     */
    public static MemoryProfile of(Schedule schedule, StageCosts costs) {
        Objects.requireNonNull(schedule, "schedule");
        ScheduleValidator.checkCosts(schedule, costs);
        int p = schedule.devices();
        double v = schedule.chunks();
        double phi = costs.weightMemoryFraction();
        double[] peak = new double[p];
        double[] inflight = new double[p];
        for (int d = 0; d < p; d++) {
            double a = costs.activationMemory(d) / v;
            double live = 0; // in micro-batch-chunk units; memory = static + live * a
            double max = 0;
            for (int code : schedule.codes(d)) {
                switch (Op.kindOrdinal(code)) {
                    case 0 -> live += 1;
                    case 1 -> live -= 1 - phi;
                    case 2 -> live -= phi;
                    default -> live -= 1;
                }
                if (live > max) {
                    max = live;
                }
            }
            inflight[d] = max / v;
            peak[d] = costs.staticMemory(d) + max * a;
        }
        return new MemoryProfile(peak, inflight);
    }

    /**
     * @param device a device
     * @return its peak memory
     */
    public double peak(int device) {
        return peak[device];
    }

    /**
     * @param device a device
     * @return the most micro-batches' worth of activations it holds at once (a full stage's activation for one
     *         micro-batch counts as 1; a chunk's counts as {@code 1/v})
     */
    public double peakInFlight(int device) {
        return peakInFlight[device];
    }

    /** @return the largest peak over devices */
    public double maxPeak() {
        double max = 0;
        for (double x : peak) {
            max = Math.max(max, x);
        }
        return max;
    }

    /** @return a copy of the per-device peaks */
    public double[] peaks() {
        return peak.clone();
    }
}
