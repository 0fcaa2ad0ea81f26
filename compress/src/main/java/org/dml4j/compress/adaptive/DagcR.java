package org.dml4j.compress.adaptive;

/**
 * DAGC-R: data-aware compression ratios for relative compressors (Top-k). Workers with more data get more
 * conservative (larger) ratios, {@code δ_i/δ_j ≈ (p_i/p_j)^(2/3)}, under the traffic budget
 * {@code Σ δ_i = n δ̄}. Computed once, before training, by the coordinator; each worker then runs Top-k with
 * {@code k_i = ceil(δ_i * numel)} per layer (apply with {@code state.setRatio(ratios[i])}).
 *
 * <pre>
 * R. Lu, J. Song, B. Chen, L. Cui, Z. Wang, "DAGC: Data-Aware Adaptive Gradient Compression", IEEE INFOCOM 2023.
 * R. Lu, Y. Jiang, Y. Mao, C. Tang, B. Chen, L. Cui, Z. Wang, "Data-Aware Gradient Compression for FL in
 * Communication-Constrained Mobile Computing", IEEE Transactions on Mobile Computing, 2024 (arXiv 2311.07324).
 * </pre>
 *
 * <p>{@link #assign} is the paper's Theorem 4 / Algorithm 2 exactly (O(n) after sorting). The paper does not bound
 * {@code δ_i ≤ 1}; [reconstructed] ratios above 1 are clipped and the excess handed to the others in proportion.
 * {@link #waterFilling} is [reconstructed] the true minimiser of the paper's objective {@link #phi} under the budget
 * (spec §1.9): a common floor for the small workers and {@code δ_i ∝ p_i^(2/3)} above it. Stateless and thread-safe.
 */
public final class DagcR {
    private DagcR() {
    }

    /**
     * DAGC-R exactly as the paper's Algorithm 2.
     *
     * @param p        worker weights (data sizes or fractions; normalised here), each finite and &gt; 0
     * @param deltaBar the average ratio δ̄, in (0, 1]
     * @return the ratio of every worker, in worker order; they sum to {@code n δ̄}
     * @throws IllegalArgumentException for empty or non-positive weights or δ̄ outside (0, 1]
     */
    public static double[] assign(double[] p, double deltaBar) {
        Weights.checkBudget("deltaBar", deltaBar);
        double[] w = Weights.normalised(p);
        int n = w.length;
        double[] out = new double[n];
        if (n == 1) {
            out[0] = deltaBar;
            return out;
        }
        int[] order = Weights.descending(w);
        double[] ps = new double[n];
        double[] q = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            ps[i] = w[order[i]];
            q[i] = Math.pow(ps[i], 2.0 / 3.0);
            total += q[i];
        }
        double budget = n * deltaBar;
        double phiMin = Double.POSITIVE_INFINITY;
        int best = -1;
        for (int j = n - 1; j >= 0; j--) {
            int r = j == n - 1 ? n - 2 : n - 1;
            if (j < n - 1 && ps[j] == ps[j + 1]) {
                continue;
            }
            double qj = (total - q[j]) / q[r];
            double phi = (1 + qj) * (ps[j] + ps[r] * qj) / budget;
            if (phi < phiMin) {
                phiMin = phi;
                best = j;
            }
        }
        int r = best == n - 1 ? n - 2 : n - 1;
        double qj = (total - q[best]) / q[r];
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = i == best ? budget / (qj + 1) : budget * q[i] / ((qj + 1) * q[r]);
        }
        Weights.capAtOne(sorted);
        for (int i = 0; i < n; i++) {
            out[order[i]] = sorted[i];
        }
        return out;
    }

    /**
     * [reconstructed] The minimiser of {@link #phi} under {@code Σ δ_i = n δ̄}: for every number s of floored
     * workers (the s smallest), a golden-section search over the floor m on the interval where exactly those workers
     * are floored ({@code Φ} is convex there); the best candidate wins.
     *
     * @param p        worker weights, each finite and &gt; 0
     * @param deltaBar the average ratio δ̄, in (0, 1]
     * @return the ratio of every worker, in worker order; they sum to {@code n δ̄}
     */
    public static double[] waterFilling(double[] p, double deltaBar) {
        Weights.checkBudget("deltaBar", deltaBar);
        double[] w = Weights.normalised(p);
        int n = w.length;
        int[] order = Weights.descending(w);
        double[] ps = new double[n];
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            ps[i] = w[order[i]];
            q[i] = Math.pow(ps[i], 2.0 / 3.0);
        }
        double budget = n * deltaBar;
        double bestPhi = n / budget;
        int bestS = n;
        double bestM = budget / n;
        double qs = 0;
        for (int i = 0; i < n; i++) {
            qs += q[i];
        }
        double floored = 0;
        for (int s = 1; s < n; s++) {
            int b = n - s;
            qs -= q[b];
            floored += ps[b];
            int a = b - 1;
            double lo = budget * q[b] / (qs + s * q[b]);
            double hi = budget * q[a] / (qs + s * q[a]);
            double c = Math.pow(qs, 1.5);
            final int fs = s;
            final double fa = floored;
            java.util.function.DoubleUnaryOperator f = m -> fa / m + c / Math.sqrt((budget - fs * m) * m);
            double m = goldenMin(f, lo, hi);
            double phi = f.applyAsDouble(m);
            if (phi < bestPhi) {
                bestPhi = phi;
                bestS = s;
                bestM = m;
            }
        }
        double[] sorted = new double[n];
        if (bestS == n) {
            java.util.Arrays.fill(sorted, budget / n);
        } else {
            double qUnfloored = 0;
            for (int i = 0; i < n - bestS; i++) {
                qUnfloored += q[i];
            }
            double c = (budget - bestS * bestM) / qUnfloored;
            for (int i = 0; i < n; i++) {
                sorted[i] = i < n - bestS ? c * q[i] : bestM;
            }
        }
        Weights.capAtOne(sorted);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[order[i]] = sorted[i];
        }
        return out;
    }

    private static double goldenMin(java.util.function.DoubleUnaryOperator f, double lo, double hi) {
        final double g = (Math.sqrt(5) - 1) / 2;
        double a = lo;
        double b = hi;
        double x1 = b - g * (b - a);
        double x2 = a + g * (b - a);
        double f1 = f.applyAsDouble(x1);
        double f2 = f.applyAsDouble(x2);
        for (int it = 0; it < 200 && b - a > 1e-15 * Math.max(1e-300, b); it++) {
            if (f1 <= f2) {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - g * (b - a);
                f1 = f.applyAsDouble(x1);
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + g * (b - a);
                f2 = f.applyAsDouble(x2);
            }
        }
        double mid = (a + b) / 2;
        double best = mid;
        double fBest = f.applyAsDouble(mid);
        for (double cand : new double[] {lo, hi}) {
            double fc = f.applyAsDouble(cand);
            if (fc < fBest) {
                fBest = fc;
                best = cand;
            }
        }
        return best;
    }

    /**
     * The dominant term of DAGC's convergence bound for relative compressors,
     * {@code Φ(δ) = (Σ_i p_i / sqrt(δ_i)) / sqrt(min_i δ_i)}, with p normalised.
     *
     * @param p     worker weights, each finite and &gt; 0
     * @param delta the ratios, each &gt; 0
     * @return Φ
     */
    public static double phi(double[] p, double[] delta) {
        double[] w = Weights.normalised(p);
        if (delta == null || delta.length != w.length) {
            throw new IllegalArgumentException("delta must have one ratio per worker (" + w.length + ")");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < w.length; i++) {
            if (!(delta[i] > 0)) {
                throw new IllegalArgumentException("delta[" + i + "] must be > 0, got " + delta[i]);
            }
            sum += w[i] / Math.sqrt(delta[i]);
            min = Math.min(min, delta[i]);
        }
        return sum / Math.sqrt(min);
    }
}
