package org.dml4j.fl.fedluck;

import java.util.Objects;

/**
 * FedLuck's choice of local steps and compression rate for one device.
 *
 * <pre>
 * J. Song, J. Luo, R. Lu, S. Xie, B. Chen, Z. Wang. "A Joint Approach to Local Updating and Gradient Compression
 * for Efficient Asynchronous Federated Learning." Euro-Par 2024, LNCS; arXiv:2407.05125.
 * Reference code: github.com/Aegsteh/FedLuck_Euro_Par.
 * </pre>
 *
 * A device {@code i} with {@code alpha_i} seconds per local step and {@code beta_i} seconds to upload an
 * uncompressed update takes {@code d_i = k * alpha_i + delta * beta_i} per round. The server aggregates every period
 * {@code T̃}, so the device's staleness is about {@code d_i / T̃}. FedLuck minimises the dominant ("domain") term of
 * its convergence bound,
 * <pre>
 *   phi(k, delta) = ( ((k * alpha + delta * beta) / T̃)^2 * (2 - delta) + 1 ) / ( k * delta^p )
 * </pre>
 * by exhaustive search over {@code k in [kMin, kMax]} and the grid of {@code delta}. This is the form of the released
 * code (time normalised by the period, {@code p = 0.5}); the paper's theory appendix has {@code p = 1} and no
 * division by {@code T̃}, with which the search nearly always returns {@code delta = 1} (no compression). Both are
 * available through {@link FedLuckControlConfig#deltaPower()}. Ties go to the smallest {@code k}, then the smallest
 * {@code delta}.
 *
 * <p>Following spec §3.4, this class reproduces the code; the "one to two periods per round" property of its
 * optimum is [reconstructed] (our reading of the code, not stated in the paper).
 *
 * <p>Immutable and thread-safe.
 */
public final class FedLuckControl {
    private final FedLuckControlConfig config;

    /**
     * @param config the grid and period
     */
    public FedLuckControl(FedLuckControlConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the grid and period */
    public FedLuckControlConfig config() {
        return config;
    }

    /** @return the server's aggregation period {@code T̃} in seconds */
    public double period() {
        return config.period();
    }

    /**
     * The objective.
     *
     * @param k     local steps, &gt;= 1
     * @param delta compression rate in (0, 1]
     * @param alpha seconds per local step, &gt; 0
     * @param beta  seconds to upload an uncompressed update, &gt;= 0
     * @return {@code phi(k, delta)}
     */
    public double phi(int k, double delta, double alpha, double beta) {
        double tau = (k * alpha + delta * beta) / config.period();
        double den = config.deltaPower() == 0.5 ? k * Math.sqrt(delta) : k * Math.pow(delta, config.deltaPower());
        return (tau * tau * (2 - delta) + 1) / den;
    }

    /**
     * Grid search for one device.
     *
     * @param alpha seconds per local step, &gt; 0 and finite
     * @param beta  seconds to upload an uncompressed update, &gt;= 0 and finite
     * @return the minimising {@code (k, delta)} and its objective
     * @throws IllegalArgumentException for a bad {@code alpha} or {@code beta}
     */
    public Choice choose(double alpha, double beta) {
        if (!(alpha > 0) || alpha == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("alpha must be finite and > 0 seconds per step, got " + alpha);
        }
        if (!(beta >= 0) || beta == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("beta must be finite and >= 0 seconds, got " + beta);
        }
        int nd = config.deltaCount();
        double[] deltas = new double[nd];
        for (int j = 0; j < nd; j++) {
            deltas[j] = config.delta(j);
        }
        int bestK = -1;
        double bestDelta = Double.NaN;
        double best = Double.POSITIVE_INFINITY;
        for (int k = config.kMin(); k <= config.kMax(); k++) {
            for (double d : deltas) {
                double v = phi(k, d, alpha, beta);
                if (v < best) {
                    best = v;
                    bestK = k;
                    bestDelta = d;
                }
            }
        }
        return new Choice(bestK, bestDelta, best, (bestK * alpha + bestDelta * beta) / config.period());
    }

    /**
     * One device's choice.
     *
     * @param localSteps      {@code k_i}
     * @param ratio           {@code delta_i}, the fraction of the update sent (Top-k ratio)
     * @param objective       {@code phi(k_i, delta_i)}
     * @param periodsPerRound {@code (k_i * alpha_i + delta_i * beta_i) / T̃}, the expected staleness in periods
     */
    public record Choice(int localSteps, double ratio, double objective, double periodsPerRound) {
        /** @return the expected staleness {@code ceil(periodsPerRound)} in server versions */
        public int staleness() {
            return (int) Math.ceil(periodsPerRound - 1e-12);
        }
    }
}
