package org.dml4j.compress.adaptive;

/**
 * ACCORDION's critical-regime detector: a round is critical when the update norm changed by at least a fraction η
 * of the previous norm, {@code |‖g_t‖ − ‖g_{t−1}‖| / ‖g_{t−1}‖ >= η}; critical rounds use the conservative
 * (light) compression level, the others the aggressive one.
 *
 * <pre>
 * S. Agarwal, H. Wang, K. Lee, S. Venkataraman, D. Papailiopoulos, "Adaptive Gradient Communication via Critical
 * Learning Regime Identification", MLSys 2021.
 * </pre>
 *
 * <p>η = 0.5 is the value in DAGC's reference code. [reconstructed] The paper compares norms accumulated over
 * detection intervals; like DAGC's code, this compares successive rounds, and the first round (no history) counts as
 * critical. One instance per worker (not thread-safe).
 */
public final class Accordion {
    /** The detection threshold of DAGC's code. */
    public static final double DEFAULT_ETA = 0.5;

    private final double eta;
    private double previous = -1;

    /** @return the norm recorded last ({@code -1} before the first), for checkpoints */
    public double previousNorm() {
        return previous;
    }

    /**
     * Restores the norm recorded last (a checkpoint's {@link #previousNorm()}).
     *
     * @param norm {@code -1} or a finite norm &gt;= 0
     */
    public void restorePreviousNorm(double norm) {
        if (norm != -1 && !(norm >= 0 && Double.isFinite(norm))) {
            throw new IllegalArgumentException("norm must be -1 or finite and >= 0, got " + norm);
        }
        previous = norm;
    }

    /** @param eta relative norm change that marks a critical regime, finite and &gt; 0 */
    public Accordion(double eta) {
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("eta must be finite and > 0, got " + eta);
        }
        this.eta = eta;
    }

    /**
     * Records this round's update norm.
     *
     * @param norm the L2 norm of this round's update, finite and &gt;= 0
     * @return whether the round is critical
     */
    public boolean observe(double norm) {
        if (!(norm >= 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("norm must be finite and >= 0, got " + norm);
        }
        double prev = previous;
        previous = norm;
        if (prev < 0) {
            return true;
        }
        if (prev == 0) {
            return norm != 0;
        }
        return Math.abs(norm - prev) / prev >= eta;
    }

    /**
     * @param norm         this round's update norm
     * @param conservative the level for critical rounds (larger ratio or smaller threshold)
     * @param aggressive   the level otherwise
     * @return the level to use this round
     */
    public double choose(double norm, double conservative, double aggressive) {
        return observe(norm) ? conservative : aggressive;
    }
}
