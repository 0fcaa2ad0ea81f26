package org.dml4j.compress.adaptive;

/**
 * DAGC-A: data-aware thresholds for absolute (hard-threshold) compressors. Minimises {@code Σ p_i² λ_i²} under the
 * traffic budget, assuming traffic ∝ 1/λ: {@code λ_i = λ̄ Σ_j p_j^(2/3) / (n p_i^(2/3))}, where λ̄ is the harmonic
 * mean of the thresholds. Workers with more data get smaller thresholds (send more). Computed once, before
 * training; apply with {@code state.setThreshold(thresholds[i])} on a {@code threshold} compressor with error
 * feedback.
 *
 * <pre>
 * R. Lu, Y. Jiang, Y. Mao, C. Tang, B. Chen, L. Cui, Z. Wang, "Data-Aware Gradient Compression for FL in
 * Communication-Constrained Mobile Computing", IEEE Transactions on Mobile Computing, 2024 (arXiv 2311.07324),
 * Theorem 8 and Algorithm 3.
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class DagcA {
    private DagcA() {
    }

    /**
     * @param p         worker weights (data sizes or fractions), each finite and &gt; 0
     * @param lambdaBar the harmonic mean of the thresholds, finite and &gt; 0
     * @return the threshold of every worker, in worker order
     * @throws IllegalArgumentException for empty or non-positive weights or a bad λ̄
     */
    public static double[] assign(double[] p, double lambdaBar) {
        if (!(lambdaBar > 0) || !Double.isFinite(lambdaBar)) {
            throw new IllegalArgumentException("lambdaBar must be finite and > 0, got " + lambdaBar);
        }
        double[] w = Weights.normalised(p);
        int n = w.length;
        double total = 0;
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = Math.pow(w[i], 2.0 / 3.0);
            total += q[i];
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = lambdaBar * total / (n * q[i]);
        }
        return out;
    }
}
