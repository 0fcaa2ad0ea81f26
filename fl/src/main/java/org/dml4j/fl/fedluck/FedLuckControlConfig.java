package org.dml4j.fl.fedluck;

/**
 * The search space and server period of {@link FedLuckControl}.
 *
 * @param period     the server's aggregation period {@code T̃} in (virtual) seconds, &gt; 0
 * @param kMin       fewest local steps, &gt;= 1
 * @param kMax       most local steps, &gt;= kMin
 * @param deltaMin   smallest compression rate (fraction of the update sent), in (0, 1]
 * @param deltaMax   largest compression rate, in [deltaMin, 1]
 * @param deltaStep  grid step of the rate, &gt; 0; the grid is {@code deltaMin + i * deltaStep <= deltaMax}
 * @param deltaPower exponent of {@code delta} in the objective's denominator: 0.5 as in the released code, 1 as in
 *                   the paper's theory appendix; in (0, 2]
 */
public record FedLuckControlConfig(double period, int kMin, int kMax, double deltaMin, double deltaMax,
        double deltaStep, double deltaPower) {
    /** Validates; messages name the key and the value. */
    public FedLuckControlConfig {
        if (!(period > 0) || period == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("period must be finite and > 0 seconds, got " + period);
        }
        if (kMin < 1) {
            throw new IllegalArgumentException("k-min must be >= 1, got " + kMin);
        }
        if (kMax < kMin) {
            throw new IllegalArgumentException("k-max must be >= k-min (" + kMin + "), got " + kMax);
        }
        if (!(deltaMin > 0 && deltaMin <= 1)) {
            throw new IllegalArgumentException("delta-min must be in (0, 1], got " + deltaMin);
        }
        if (!(deltaMax >= deltaMin && deltaMax <= 1)) {
            throw new IllegalArgumentException("delta-max must be in [delta-min (" + deltaMin + "), 1], got "
                    + deltaMax);
        }
        if (!(deltaStep > 0 && deltaStep <= 1)) {
            throw new IllegalArgumentException("delta-step must be in (0, 1], got " + deltaStep);
        }
        if (!(deltaPower > 0 && deltaPower <= 2)) {
            throw new IllegalArgumentException("delta-power must be in (0, 2], got " + deltaPower);
        }
    }

    /**
     * @return the released code's grid: {@code T̃} = 1.5 s (its Fashion-MNIST setting), k in {2..60}, delta in
     *         {0.01, 0.02, ..., 1.00}, delta power 0.5
     */
    public static FedLuckControlConfig defaults() {
        return new FedLuckControlConfig(1.5, 2, 60, 0.01, 1.0, 0.01, 0.5);
    }

    /** @return the number of compression rates on the grid */
    public int deltaCount() {
        return (int) Math.floor((deltaMax - deltaMin) / deltaStep + 1e-9) + 1;
    }

    /**
     * @param i index on the grid, 0 .. deltaCount-1
     * @return the i-th rate, computed as {@code (deltaMin/deltaStep + i) * deltaStep} rounded to 12 decimals so that
     *         the default grid holds exactly 0.01, 0.02, ..., 1.0 (not sums of 0.01)
     */
    public double delta(int i) {
        double d = deltaMin + i * deltaStep;
        return Math.min(deltaMax, Math.round(d * 1e12) / 1e12);
    }
}
