package org.dml4j.compress.adaptive;

/**
 * The stepsize-aware hard threshold of γ-FedHT: with {@code x = (γ / sqrt(γ_0 γ_T))^α},
 * {@code λ(γ) = λ_0 sqrt(x / (1 + x²))}, which peaks at {@code λ_0/√2} at the geometric-mean stepsize, is symmetric in
 * {@code log γ}, and tends to 0 as γ → 0, so the threshold follows a decaying learning rate instead of starving the
 * upload. Computed in the stable form {@code λ_0 e^{-|u|/2} / sqrt(1 + e^{-2|u|})} with
 * {@code u = α (ln γ − (ln γ_0 + ln γ_T)/2)}, which never overflows.
 *
 * <pre>
 * R. Lu, Y. Jiang, J. Zhang, C. Li, Y. Zhu, B. Chen, Z. Wang, "γ-FedHT: Stepsize-Aware Hard-Threshold Gradient
 * Compression in Federated Learning", IEEE INFOCOM 2025 (arXiv 2505.12479), Algorithm 1.
 * </pre>
 *
 * <p>The rates are per round: round r runs its local steps with {@code rates[r]}, γ_0 = {@code rates[0]} and
 * γ_T = the last rate. [reconstructed] Following the printed Algorithm 1 ({@code λ_{t+1}} from {@code γ_{t+1}}), the
 * upload at the end of round r uses {@code λ(rates[r+1])}, and the last round uses γ_T. Immutable and thread-safe.
 */
public final class GammaFedHtSchedule {
    private final double lambda0;
    private final double alpha;
    private final double[] rates;
    private final double logMid;

    /**
     * @param lambda0 initial threshold scale λ_0, finite and &gt; 0
     * @param alpha   exponent α, finite and &gt;= 0
     * @param rates   learning rate of every round, each finite and &gt; 0; copied
     * @throws IllegalArgumentException naming the bad field
     */
    public GammaFedHtSchedule(double lambda0, double alpha, double[] rates) {
        if (!(lambda0 > 0) || !Double.isFinite(lambda0)) {
            throw new IllegalArgumentException("lambda0 must be finite and > 0, got " + lambda0);
        }
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
        }
        if (rates == null || rates.length == 0) {
            throw new IllegalArgumentException("rates must list the learning rate of at least one round");
        }
        for (int i = 0; i < rates.length; i++) {
            if (!(rates[i] > 0) || !Double.isFinite(rates[i])) {
                throw new IllegalArgumentException("rates[" + i + "] must be finite and > 0, got " + rates[i]);
            }
        }
        this.lambda0 = lambda0;
        this.alpha = alpha;
        this.rates = rates.clone();
        this.logMid = (Math.log(rates[0]) + Math.log(rates[rates.length - 1])) / 2;
    }

    /**
     * @param lambda0 λ_0
     * @param alpha   α
     * @param gamma   the stepsize γ
     * @param gamma0  the first stepsize γ_0
     * @param gammaT  the last stepsize γ_T
     * @return λ(γ)
     */
    public static double threshold(double lambda0, double alpha, double gamma, double gamma0, double gammaT) {
        double u = alpha * (Math.log(gamma) - (Math.log(gamma0) + Math.log(gammaT)) / 2);
        return shape(u) * lambda0;
    }

    private static double shape(double u) {
        double a = Math.abs(u);
        return Math.exp(-a / 2) / Math.sqrt(1 + Math.exp(-2 * a));
    }

    /**
     * @param gamma a stepsize, finite and &gt; 0
     * @return λ(γ) for this schedule's λ_0, α, γ_0 and γ_T
     */
    public double thresholdForRate(double gamma) {
        if (!(gamma > 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("gamma must be finite and > 0, got " + gamma);
        }
        return lambda0 * shape(alpha * (Math.log(gamma) - logMid));
    }

    /**
     * @param round the round whose upload is compressed, from 0; rounds past the schedule use γ_T
     * @return the threshold for that upload
     */
    public double threshold(int round) {
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
        return thresholdForRate(rates[Math.min(round + 1, rates.length - 1)]);
    }

    /** @return number of rounds of the schedule */
    public int rounds() {
        return rates.length;
    }

    /**
     * [reconstructed] Calibration helper: the λ_0 that makes round 0's threshold equal {@code thresholdAtRound0},
     * e.g. the k-th largest magnitude of a first update, so that round 0 sends about k elements.
     *
     * @param thresholdAtRound0 the wanted first threshold, finite and &gt; 0
     * @param alpha             α
     * @param rates             the per-round rates
     * @return λ_0
     */
    public static double lambda0For(double thresholdAtRound0, double alpha, double[] rates) {
        GammaFedHtSchedule unit = new GammaFedHtSchedule(1.0, alpha, rates);
        if (!(thresholdAtRound0 > 0) || !Double.isFinite(thresholdAtRound0)) {
            throw new IllegalArgumentException("thresholdAtRound0 must be finite and > 0, got " + thresholdAtRound0);
        }
        return thresholdAtRound0 / unit.threshold(0);
    }
}
