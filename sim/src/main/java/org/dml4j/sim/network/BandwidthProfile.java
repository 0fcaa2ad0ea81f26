package org.dml4j.sim.network;

/**
 * Capacity of one link over virtual time, piecewise constant and right-continuous: the value at a change time is the
 * new value. {@link FluidNetwork} reads it when a transfer starts or ends and at every change time while the link
 * carries traffic.
 *
 * <p>Implementations are immutable and thread-safe; {@link #bytesPerSecond} is &gt; 0 and finite everywhere.
 */
public interface BandwidthProfile {
    /**
     * @param time virtual seconds, &gt;= 0
     * @return the capacity at {@code time}, in bytes per second
     */
    double bytesPerSecond(double time);

    /**
     * @param time virtual seconds, &gt;= 0
     * @return the first time after {@code time} at which the capacity changes, or positive infinity
     */
    double nextChange(double time);

    /**
     * @param factor a positive multiplier
     * @return this profile with every capacity multiplied by {@code factor} (the change times are unchanged)
     */
    default BandwidthProfile scaled(double factor) {
        if (!(factor > 0) || factor == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("factor must be finite and > 0, got " + factor);
        }
        if (factor == 1) {
            return this;
        }
        BandwidthProfile base = this;
        return new BandwidthProfile() {
            @Override
            public double bytesPerSecond(double time) {
                return base.bytesPerSecond(time) * factor;
            }

            @Override
            public double nextChange(double time) {
                return base.nextChange(time);
            }
        };
    }

    /**
     * @param bytesPerSecond the capacity, &gt; 0 and finite
     * @return a profile that never changes
     */
    static BandwidthProfile constant(double bytesPerSecond) {
        return new ConstantBandwidth(bytesPerSecond);
    }

    /**
     * @param megabitsPerSecond megabits (10^6 bits) per second
     * @return the same rate in bytes per second
     */
    static double mbps(double megabitsPerSecond) {
        return megabitsPerSecond * 125_000.0;
    }
}
