package org.dml4j.compress;

import java.util.Objects;

/**
 * The server side of signSGD with majority vote: every worker sends the signs of its update
 * ({@link SignCompressor}, scaled or not), the server adds the votes and applies the sign of the sum,
 * {@code x ← x + η · sign(Σ_m w_m sign(Δ_m))}. A tied coordinate (sum 0) does not move. With weights 1 (the
 * paper) the result does not depend on the workers' scales, only on their signs.
 *
 * <pre>
 * J. Bernstein, J. Zhao, K. Azizzadenesheli, A. Anandkumar, "signSGD with Majority Vote is Communication Efficient
 * and Fault Tolerant", ICLR 2019.
 * </pre>
 *
 * <p>Use, per round: {@link #reset}, {@link #add} for each worker's update, then {@link #applyTo}. Other updates
 * than sign-coded {@link QuantizedUpdate}s vote with the sign of their decoded value (0 casts no vote). The vote is
 * the coordinator's reduction in place of the weighted mean: {@code [strategy] type = "robust-fedavg"} with
 * {@code rule = "majority-vote"} in a run's config ({@code org.dml4j.fl.robust.RobustStrategy}).
 *
 * <p>One instance per server (not thread-safe); it allocates only its tally, once.
 */
public final class MajorityVote {
    private final float[] tally;
    private int voters;

    /** @param dim length of the updates, at least 1 */
    public MajorityVote(int dim) {
        this.tally = new float[Checks.dim(dim)];
    }

    /** Clears the votes for a new round. */
    public void reset() {
        java.util.Arrays.fill(tally, 0f);
        voters = 0;
    }

    /**
     * Adds one worker's vote: {@code tally[i] += weight * sign(decoded[i])}.
     *
     * @param update the worker's update
     * @param weight its vote's weight, finite and &gt; 0 (1 in the paper)
     * @throws IllegalArgumentException when the dimension differs or the weight is invalid
     */
    public void add(CompressedUpdate update, float weight) {
        Objects.requireNonNull(update, "update");
        if (update.dim() != tally.length) {
            throw new IllegalArgumentException("update dim must be " + tally.length + ", got " + update.dim());
        }
        Checks.positive("weight", weight);
        if (update instanceof QuantizedUpdate q && q.scheme() == QuantizedUpdate.Scheme.SIGN) {
            // every code is ±1: add weight * (2c - 1) per element, whatever the bucket scales
            CompressKernels.get().accumulatePacked(q.packedArray(), 1, 0, tally.length, 2, 1, weight, tally, 0);
        } else {
            float[] d = update.toDense();
            for (int i = 0; i < d.length; i++) {
                tally[i] += weight * Math.signum(d[i]);
            }
        }
        voters++;
    }

    /** @return the number of votes added since the last {@link #reset} */
    public int voters() {
        return voters;
    }

    /**
     * {@code params[i] += step * sign(tally[i])}.
     *
     * @param params the parameters (or an aggregate) to move, of the updates' length
     * @param step   the server step η, finite
     * @throws IllegalArgumentException when the length differs or the step is not finite
     */
    public void applyTo(float[] params, float step) {
        CompressedUpdate.checkTarget(params, tally.length);
        if (!Float.isFinite(step)) {
            throw new IllegalArgumentException("step must be finite, got " + step);
        }
        for (int i = 0; i < tally.length; i++) {
            params[i] += step * Math.signum(tally[i]);
        }
    }

    /** @return a copy of the current tally (the weighted vote sums) */
    public float[] tally() {
        return tally.clone();
    }
}
