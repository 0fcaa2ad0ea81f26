package org.dml4j.fl.xregion;

import java.util.Arrays;

/**
 * DeCo-SGD's online choice of the delay staleness τ and the compression ratio δ (R. Lu, J. Jiang, C. Li, H. Dong,
 * X. Wei, D. Cai, Z. Wang, "DeCo-SGD: Joint Optimization of Delay Staleness and Gradient Compression Ratio for
 * Distributed SGD", arXiv 2507.17346, 2025), from the measured WAN latency and bandwidth and the compute time of a
 * step.
 *
 * <p><b>Reconstructed.</b> Spec §5 has only the paper's abstract and a third-party description of the update rule
 * (DD-EF-SGD: {@code Δ_t = C_δ(e_t + γ g_{t−τ})}, {@code e_{t+1} = e_t + γ g_{t−τ} − Δ_t}); the controller's formulas
 * were not found. The abstract says two things, and this class turns each into a formula of its own:
 * <ul>
 *   <li>a network-aware time model. A step's message needs {@code T_msg(δ) = T_lan + L + bytes(δ)/B} to reach every
 *       worker: the LAN phases, the WAN latency and the bytes over the effective bandwidth measured for one transfer
 *       of the exchange. With τ steps of delay, τ + 1 steps of compute overlap one message, so a step costs
 *       {@code S(τ, δ) = max(T_c, bytes(δ)/B, (T_c + T_msg(δ)) / (τ + 1))};</li>
 *   <li>staleness exponentially amplifies the compression error. We model the steps to a target as
 *       {@code P(τ, δ) = (1 + a·τ) · (1 + b·sqrt(1/δ − 1)·(1 + a)^τ)}, with a ({@code staleness-cost}) and b
 *       ({@code compression-cost}) as knobs, not fitted to the paper.</li>
 * </ul>
 * The controller picks the (τ, δ) over the candidates that minimises {@code S·P}, the estimated time to target. Ties
 * go to the smaller τ, then the larger δ. Immutable and thread-safe.
 *
 * @param ratios          candidate δ, each in (0, 1], descending
 * @param maxStaleness    the largest τ, &gt;= 0
 * @param stalenessCost   a, &gt;= 0
 * @param compressionCost b, &gt;= 0
 */
public record DecoController(double[] ratios, int maxStaleness, double stalenessCost, double compressionCost) {
    /** Validates and sorts the candidates. */
    public DecoController {
        if (ratios == null || ratios.length == 0) {
            throw new IllegalArgumentException("ratios must list at least one ratio");
        }
        ratios = ratios.clone();
        for (double r : ratios) {
            if (!(r > 0 && r <= 1)) {
                throw new IllegalArgumentException("ratios must be in (0, 1], got " + r);
            }
        }
        Arrays.sort(ratios);
        for (int i = 0, j = ratios.length - 1; i < j; i++, j--) {
            double t = ratios[i];
            ratios[i] = ratios[j];
            ratios[j] = t;
        }
        if (maxStaleness < 0) {
            throw new IllegalArgumentException("max-staleness must be >= 0, got " + maxStaleness);
        }
        if (!(stalenessCost >= 0) || Double.isInfinite(stalenessCost)) {
            throw new IllegalArgumentException("staleness-cost must be finite and >= 0, got " + stalenessCost);
        }
        if (!(compressionCost >= 0) || Double.isInfinite(compressionCost)) {
            throw new IllegalArgumentException("compression-cost must be finite and >= 0, got " + compressionCost);
        }
    }

    /** @return the candidates, descending (a copy) */
    @Override
    public double[] ratios() {
        return ratios.clone();
    }

    /**
     * What the links measured.
     *
     * @param computeSeconds  T_c, a step's compute (the slowest worker), &gt;= 0
     * @param lanSeconds      T_lan, the LAN phases of one exchange, &gt;= 0
     * @param latency         L, the WAN path's one-way latency, &gt;= 0
     * @param bytesPerSecond  B, the effective bandwidth of one WAN transfer of the exchange, &gt; 0
     */
    public record Links(double computeSeconds, double lanSeconds, double latency, double bytesPerSecond) {
        /** Validates. */
        public Links {
            if (!(computeSeconds >= 0) || !(lanSeconds >= 0) || !(latency >= 0) || !(bytesPerSecond > 0)) {
                throw new IllegalArgumentException("measured links must be >= 0 (bandwidth > 0), got compute "
                        + computeSeconds + " s, LAN " + lanSeconds + " s, latency " + latency + " s, "
                        + bytesPerSecond + " B/s");
            }
        }
    }

    /**
     * A choice.
     *
     * @param staleness   τ
     * @param ratio       δ
     * @param stepSeconds S(τ, δ)
     * @param penalty     P(τ, δ)
     */
    public record Choice(int staleness, double ratio, double stepSeconds, double penalty) {
        /** @return S·P, the estimated time to target (in units of the time of one dense synchronous step's work) */
        public double cost() {
            return stepSeconds * penalty;
        }
    }

    /**
     * @param links        the measurements
     * @param bytesAtRatio a message's wire bytes at each candidate ratio, in {@link #ratios()} order
     * @return the (τ, δ) of least estimated time to target
     */
    public Choice choose(Links links, long[] bytesAtRatio) {
        if (bytesAtRatio.length != ratios.length) {
            throw new IllegalArgumentException(ratios.length + " ratios but " + bytesAtRatio.length + " sizes");
        }
        Choice best = null;
        for (int tau = 0; tau <= maxStaleness; tau++) {
            for (int k = 0; k < ratios.length; k++) {
                double transfer = bytesAtRatio[k] / links.bytesPerSecond();
                double msg = links.lanSeconds() + links.latency() + transfer;
                double step = Math.max(links.computeSeconds(), Math.max(transfer,
                        (links.computeSeconds() + msg) / (tau + 1)));
                Choice c = new Choice(tau, ratios[k], step, penalty(tau, ratios[k]));
                if (best == null || c.cost() < best.cost() * (1 - 1e-12)) {
                    best = c;
                }
            }
        }
        return best;
    }

    /**
     * @param tau   staleness
     * @param ratio compression ratio
     * @return P(τ, δ)
     */
    public double penalty(int tau, double ratio) {
        return (1 + stalenessCost * tau)
                * (1 + compressionCost * Math.sqrt(1 / ratio - 1) * Math.pow(1 + stalenessCost, tau));
    }
}
