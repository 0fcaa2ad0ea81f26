package org.dml4j.cli.report;

import java.util.List;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.sim.RoundTiming;

/**
 * One run as the report shows it.
 *
 * @param name    the run's name
 * @param metrics per-round metrics
 * @param timings per-round timings (may be empty)
 * @param config  the resolved experiment file text (may be empty)
 * @param unfinished whether the run stopped before its last round (interrupted, or a folder whose manifest does not
 *                   say completed)
 */
public record RunSummary(String name, List<RoundMetrics> metrics, List<RoundTiming> timings, String config,
                         boolean unfinished) {
    /** Copies the lists. */
    public RunSummary {
        metrics = List.copyOf(metrics);
        timings = List.copyOf(timings);
    }

    /**
     * A finished run.
     *
     * @param name    the run's name
     * @param metrics per-round metrics
     * @param timings per-round timings (may be empty)
     * @param config  the resolved experiment file text (may be empty)
     */
    public RunSummary(String name, List<RoundMetrics> metrics, List<RoundTiming> timings, String config) {
        this(name, metrics, timings, config, false);
    }

    /** @return the last evaluated accuracy, or NaN */
    public double finalAccuracy() {
        for (int i = metrics.size() - 1; i >= 0; i--) {
            if (!Double.isNaN(metrics.get(i).testAccuracy())) {
                return metrics.get(i).testAccuracy();
            }
        }
        return Double.NaN;
    }

    /** @return the best evaluated accuracy, or NaN */
    public double bestAccuracy() {
        double best = Double.NaN;
        for (RoundMetrics m : metrics) {
            if (!Double.isNaN(m.testAccuracy()) && !(m.testAccuracy() <= best)) {
                best = m.testAccuracy();
            }
        }
        return best;
    }

    /**
     * @param target an accuracy in [0, 1]
     * @return the first round whose accuracy reaches it, or -1
     */
    public int roundsTo(double target) {
        RoundMetrics m = firstReaching(target);
        return m == null ? -1 : m.round();
    }

    /** @return the first round whose test accuracy reaches {@code target}, or null */
    private RoundMetrics firstReaching(double target) {
        for (RoundMetrics m : metrics) {
            if (m.testAccuracy() >= target) {
                return m;
            }
        }
        return null;
    }

    /**
     * @param target an accuracy in [0, 1]
     * @return bytes on the wire (both ways) until the first round that reaches it, or -1
     */
    public long bytesTo(double target) {
        RoundMetrics m = firstReaching(target);
        return m == null ? -1 : m.totalBytes();
    }

    /**
     * @param target an accuracy in [0, 1]
     * @return bytes sent by clients until the first round that reaches it, or -1
     */
    public long bytesUpTo(double target) {
        RoundMetrics m = firstReaching(target);
        return m == null ? -1 : m.totalBytesUp();
    }

    /** @return bytes sent by clients over the whole run */
    public long totalBytesUp() {
        return metrics.isEmpty() ? 0 : metrics.get(metrics.size() - 1).totalBytesUp();
    }

    /**
     * @return the realised uplink ratio over the run: values sent by clients over the dense values of their replies,
     *     averaged over rounds weighted by replies (NaN without successful replies)
     */
    public double meanDensityUp() {
        double sent = 0;
        double dense = 0;
        for (RoundMetrics m : metrics) {
            if (m.densityUp() > 0) {
                sent += m.elementsUp();
                dense += m.elementsUp() / m.densityUp();
            }
        }
        return dense == 0 ? Double.NaN : sent / dense;
    }

    /**
     * @param target an accuracy in [0, 1]
     * @return wall seconds until the first round that reaches it, or NaN
     */
    public double secondsTo(double target) {
        for (int i = 0; i < metrics.size() && i < timings.size(); i++) {
            if (metrics.get(i).testAccuracy() >= target) {
                return timings.get(i).elapsedSeconds();
            }
        }
        return Double.NaN;
    }

    /**
     * @param target an accuracy in [0, 1]
     * @return virtual seconds (the simulator's clock) until the first round that reaches it, or NaN when it is not
     *     reached or the run has no virtual time
     */
    public double simSecondsTo(double target) {
        RoundMetrics m = firstReaching(target);
        return m == null ? Double.NaN : m.simSeconds();
    }

    /** @return whether the run has virtual time (a network or device model) */
    public boolean timed() {
        return !metrics.isEmpty() && !Double.isNaN(metrics.get(0).simSeconds());
    }

    /** @return the virtual seconds of the last round, or NaN */
    public double simSeconds() {
        return timed() ? metrics.get(metrics.size() - 1).simSeconds() : Double.NaN;
    }

    /** @return total wall seconds, or NaN without timings */
    public double wallSeconds() {
        return timings.isEmpty() ? Double.NaN : timings.get(timings.size() - 1).elapsedSeconds();
    }

    /** @return total bytes on the wire, both ways */
    public long totalBytes() {
        return metrics.isEmpty() ? 0 : metrics.get(metrics.size() - 1).totalBytes();
    }
}
