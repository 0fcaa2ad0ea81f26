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

    /**
     * @return the exchanges this state needs with the other workers of a round before each {@link #compress}
     *     ({@link RoundExchange}), or null when it compresses on its own (the default)
     */
    default RoundExchange exchange() {
        return null;
    }

    /**
     * Writes everything that changes during a run (error-feedback residual, momentum, adaptive level, round counter,
     * how far its random generator has advanced) into a checkpoint, under the keys of {@code out} (a view reserved
     * for this state). Called between {@link #compress} calls; does not change the state. The default throws: a
     * compressor that keeps state must say how it is saved, and a run cannot be checkpointed without it.
     *
     * @param out where to write
     * @throws UnsupportedOperationException when this compressor cannot be checkpointed (the message names it)
     */
    default void save(org.dml4j.core.Snapshot out) {
        throw new UnsupportedOperationException("the compressor state " + getClass().getName()
                + " cannot be saved in a checkpoint");
    }

    /**
     * Restores what {@link #save} wrote into a freshly made state of the same compressor, layout and generator (the
     * same seed path), after which it compresses exactly as the saved one would have.
     *
     * @param in what {@link #save} wrote
     * @throws IllegalArgumentException      naming the key when the checkpoint does not fit this state
     * @throws UnsupportedOperationException when this compressor cannot be checkpointed
     */
    default void restore(org.dml4j.core.Snapshot in) {
        throw new UnsupportedOperationException("the compressor state " + getClass().getName()
                + " cannot be restored from a checkpoint");
    }

    /** A state that keeps nothing between calls (dense and cast compressors): saving and restoring do nothing. */
    @FunctionalInterface
    interface Stateless extends CompressorState {
        @Override
        default void save(org.dml4j.core.Snapshot out) {
        }

        @Override
        default void restore(org.dml4j.core.Snapshot in) {
        }
    }

    /**
     * Advances a generator by {@code draws} unbounded draws, as a fresh state's generator must be when restored: every
     * unbounded {@code nextLong}, {@code nextInt} and {@code nextDouble} of a {@link java.util.SplittableRandom}
     * advances it by the same one step, so the count is its position.
     *
     * @param rng   a fresh generator from the same seed path
     * @param draws how many draws the saved state had made
     * @return the last value drawn as a {@code long} (0 when {@code draws} is 0)
     */
    static long advance(java.util.SplittableRandom rng, long draws) {
        if (draws < 0) {
            throw new IllegalArgumentException("checkpoint: a generator cannot have made " + draws + " draws");
        }
        long last = 0;
        for (long i = 0; i < draws; i++) {
            last = rng.nextLong();
        }
        return last;
    }
}
