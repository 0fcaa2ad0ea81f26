package org.dml4j.sim.network;

/**
 * A capacity that never changes.
 *
 * @param bytesPerSecond the capacity, &gt; 0 and finite
 */
public record ConstantBandwidth(double bytesPerSecond) implements BandwidthProfile {
    /** Validates. */
    public ConstantBandwidth {
        if (!(bytesPerSecond > 0) || bytesPerSecond == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("bytesPerSecond must be finite and > 0, got " + bytesPerSecond);
        }
    }

    @Override
    public double bytesPerSecond(double time) {
        return bytesPerSecond;
    }

    @Override
    public double nextChange(double time) {
        return Double.POSITIVE_INFINITY;
    }
}
