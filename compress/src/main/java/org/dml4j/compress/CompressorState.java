package org.dml4j.compress;

/**
 * Per-worker state of a {@link GradientCompressor}. Single owner: one worker calls it from one thread at a time.
 *
 * <p>Call order per round: optionally {@link #beginRound}, optionally {@link #setRatio} or {@link #setThreshold}
 * (adaptive controllers: DAGC, γ-FedHT, ACCORDION), then {@link #compress}. A state that is never told the round
 * counts its own {@code compress} calls as rounds.
 */
public interface CompressorState {
    /**
     * Compresses {@code update}, applying error feedback when the compressor is configured with it. When it throws,
     * the state is as before the call.
     *
     * @param update the dense vector; read only, not retained
     * @return the compressed form; it does not share memory with {@code update}
     * @throws IllegalArgumentException when the length differs from the state's dimension or a value is not finite
     */
    CompressedUpdate compress(float[] update);

    /**
     * Tells the state which round the next {@link #compress} belongs to (FL clients skip rounds when they are not
     * sampled). Schedules (DGC warm-up, γ-FedHT thresholds) follow it. The default does nothing.
     *
     * @param round the round number, from 0
     */
    default void beginRound(int round) {
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
    }

    /**
     * Sets the fraction of elements kept from the next {@link #compress} on (Top-k, Rand-k, DGC), for per-worker
     * ratios (DAGC-R) or switching levels (ACCORDION).
     *
     * @param ratio the kept fraction, in (0, 1]
     * @throws IllegalArgumentException      when the ratio is outside (0, 1]
     * @throws UnsupportedOperationException when this compressor has no ratio
     */
    default void setRatio(double ratio) {
        throw new UnsupportedOperationException("this compressor state has no ratio to set ("
                + getClass().getSimpleName() + ")");
    }

    /**
     * Sets the magnitude threshold from the next {@link #compress} on (hard threshold), for per-worker thresholds
     * (DAGC-A) or schedules (γ-FedHT).
     *
     * @param threshold the threshold, finite and &gt; 0
     * @throws IllegalArgumentException      when the threshold is not finite and positive
     * @throws UnsupportedOperationException when this compressor has no threshold
     */
    default void setThreshold(double threshold) {
        throw new UnsupportedOperationException("this compressor state has no threshold to set ("
                + getClass().getSimpleName() + ")");
    }
}
