package org.dml4j.fl.xregion;

/**
 * The outer step of cross-region data parallelism: given the workers' averaged delta {@code Δ = mean_i(θ_i) − θ}
 * (the negative of DiLoCo's "outer gradient"), updates the shared parameters {@code θ}:
 * <ul>
 *   <li>{@code plain} (Local SGD, Stich, ICLR 2019; Lin et al., ICLR 2020): {@code θ += lr·Δ}; with lr = 1 the new
 *       model is the workers' average;</li>
 *   <li>{@code momentum} (synchronous data parallelism with heavy-ball SGD when H = 1 and Δ = −lr_inner·g):
 *       {@code v = μ·v + Δ; θ += lr·v};</li>
 *   <li>{@code nesterov} (DiLoCo's outer optimiser, Douillard et al., "DiLoCo: Distributed Low-Communication Training
 *       of Language Models", arXiv 2311.08105, 2023): {@code v = μ·v + Δ; θ += lr·(Δ + μ·v)}, which is PyTorch's
 *       {@code SGD(nesterov=True)} applied to the outer gradient {@code −Δ}; the paper's defaults are lr 0.7, μ 0.9.</li>
 * </ul>
 * Accumulates in double per coordinate, allocates nothing per step. Not thread-safe.
 */
public final class OuterOptimizer {
    /** The rules. */
    public static final java.util.List<String> RULES = java.util.List.of("plain", "momentum", "nesterov");

    private final String rule;
    private final double lr;
    private final double mu;
    private final float[] velocity;

    /**
     * @param rule     {@code plain}, {@code momentum} or {@code nesterov}
     * @param lr       outer learning rate, finite and &gt; 0
     * @param momentum μ in [0, 1) (ignored by {@code plain})
     * @param dim      parameters, &gt;= 1
     */
    public OuterOptimizer(String rule, double lr, double momentum, int dim) {
        if (!RULES.contains(rule)) {
            throw new IllegalArgumentException("outer rule must be plain, momentum or nesterov, got '" + rule + "'");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("outer-lr must be finite and > 0, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("outer-momentum must be in [0, 1), got " + momentum);
        }
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        this.rule = rule;
        this.lr = lr;
        this.mu = momentum;
        this.velocity = rule.equals("plain") ? null : new float[dim];
    }

    /** @return the rule */
    public String rule() {
        return rule;
    }

    /**
     * @param theta the shared parameters, updated in place
     * @param delta the averaged delta (read only)
     */
    public void apply(float[] theta, float[] delta) {
        if (theta.length != delta.length || velocity != null && theta.length != velocity.length) {
            throw new IllegalArgumentException("theta has " + theta.length + " values, delta " + delta.length);
        }
        switch (rule) {
            case "plain" -> {
                for (int i = 0; i < theta.length; i++) {
                    theta[i] = (float) (theta[i] + lr * delta[i]);
                }
            }
            case "momentum" -> {
                for (int i = 0; i < theta.length; i++) {
                    double v = mu * velocity[i] + delta[i];
                    velocity[i] = (float) v;
                    theta[i] = (float) (theta[i] + lr * v);
                }
            }
            default -> {
                for (int i = 0; i < theta.length; i++) {
                    double v = mu * velocity[i] + delta[i];
                    velocity[i] = (float) v;
                    theta[i] = (float) (theta[i] + lr * (delta[i] + mu * v));
                }
            }
        }
    }
}
