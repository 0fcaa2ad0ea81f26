package org.dml4j.model;

import java.util.Arrays;

/**
 * The state of an AdamW optimiser (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) kept
 * by its owner across {@link Model#train} calls: the first and second moment estimates and the number of steps taken,
 * with the hyperparameters. A model reads it at the start of a call and writes it back at the end, so a participant
 * that trains on whichever worker model is free still continues its own optimiser (DiLoCo's inner optimiser keeps its
 * state from one outer step to the next).
 *
 * <p>One step, with {@code g} the mini-batch gradient and {@code t} the step count after it:
 * <pre>
 *   m = beta1·m + (1 − beta1)·g ;  v = beta2·v + (1 − beta2)·g²
 *   w = w − lr·weightDecay·w − (lr / (1 − beta1^t)) · m / (sqrt(v) / sqrt(1 − beta2^t) + eps)
 * </pre>
 * as PyTorch's {@code AdamW} (no amsgrad). Not thread-safe: one owner, one call at a time.
 */
public final class AdamState {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float[] m;
    private final float[] v;
    private long steps;

    /**
     * @param params number of parameters, &gt;= 1
     * @param beta1  first-moment decay in [0, 1)
     * @param beta2  second-moment decay in [0, 1)
     * @param eps    denominator floor, &gt; 0
     */
    public AdamState(int params, float beta1, float beta2, float eps) {
        if (params < 1) {
            throw new IllegalArgumentException("params must be >= 1, got " + params);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.m = new float[params];
        this.v = new float[params];
    }

    /** @return first-moment decay */
    public float beta1() {
        return beta1;
    }

    /** @return second-moment decay */
    public float beta2() {
        return beta2;
    }

    /** @return denominator floor */
    public float eps() {
        return eps;
    }

    /** @return the first moments, live (the model reads and writes them) */
    public float[] firstMoment() {
        return m;
    }

    /** @return the second moments, live */
    public float[] secondMoment() {
        return v;
    }

    /** @return steps taken so far (the bias corrections' exponent) */
    public long steps() {
        return steps;
    }

    /**
     * @param taken steps a call just took, &gt;= 0
     */
    public void advance(int taken) {
        if (taken < 0) {
            throw new IllegalArgumentException("taken must be >= 0, got " + taken);
        }
        steps += taken;
    }

    /** Forgets the moments and the step count. */
    public void reset() {
        Arrays.fill(m, 0f);
        Arrays.fill(v, 0f);
        steps = 0;
    }
}
