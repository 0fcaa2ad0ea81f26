package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.core.FloatKernels;

/**
 * Server-side (downlink) compression with error feedback. The server keeps the replica {@code x̂} of the model the
 * clients hold; each round it compresses {@code x − x̂}, sends that, and applies the decoded update to the replica,
 * so whatever was not sent stays in {@code x − x̂} and goes out later: this is error feedback with residual
 * {@code e = x − x̂}, and equivalent to an error-feedback state fed the model deltas. Pass a compressor without
 * {@code error-feedback} (the replica already is the residual).
 *
 * <p>Clients apply the broadcast with {@code update.addTo(localModel, 1f)} and stay equal to {@link #replica()}.
 * One instance per server (single owner).
 */
public final class DownlinkCompressor {
    private final CompressorState state;
    private final float[] replica;
    private final float[] delta;

    /**
     * @param compressor   the downlink compressor
     * @param initialModel the model every client starts from; copied
     * @param rng          the server's generator for the compressor state
     */
    public DownlinkCompressor(GradientCompressor compressor, float[] initialModel, SplittableRandom rng) {
        Objects.requireNonNull(compressor, "compressor");
        Objects.requireNonNull(initialModel, "initialModel");
        this.state = compressor.newState(initialModel.length, rng);
        this.replica = initialModel.clone();
        this.delta = new float[initialModel.length];
    }

    /**
     * @param compressor   the downlink compressor
     * @param layout       the model's layer shapes (for per-layer compressors and PowerSGD)
     * @param initialModel the model every client starts from; copied
     * @param rng          the server's generator for the compressor state
     */
    public DownlinkCompressor(GradientCompressor compressor, UpdateLayout layout, float[] initialModel,
            SplittableRandom rng) {
        Objects.requireNonNull(compressor, "compressor");
        Objects.requireNonNull(initialModel, "initialModel");
        if (layout.dim() != initialModel.length) {
            throw new IllegalArgumentException("layout holds " + layout.dim() + " elements, model has "
                    + initialModel.length);
        }
        this.state = compressor.newState(layout, rng);
        this.replica = initialModel.clone();
        this.delta = new float[initialModel.length];
    }

    /**
     * @param globalModel the server's current model
     * @return the update to broadcast; the replica has been advanced by it
     */
    public CompressedUpdate broadcast(float[] globalModel) {
        Checks.length(globalModel, replica.length);
        System.arraycopy(globalModel, 0, delta, 0, delta.length);
        FloatKernels.get().axpy(-1f, replica, 0, delta, 0, delta.length);
        CompressedUpdate u = state.compress(delta);
        u.addTo(replica, 1f);
        return u;
    }

    /** @return a copy of the model the clients hold */
    public float[] replica() {
        return replica.clone();
    }

    /** @return the compressor state, for {@code beginRound}, {@code setRatio} or {@code setThreshold} */
    public CompressorState state() {
        return state;
    }

    /**
     * Saves the clients' replica and, under {@code state/}, the compressor state (for checkpoints).
     *
     * @param out where to write
     * @throws UnsupportedOperationException when the compressor cannot be checkpointed
     */
    public void save(org.dml4j.core.Snapshot out) {
        out.putFloats("replica", replica);
        state.save(out.under("state"));
    }

    /**
     * Restores what {@link #save} wrote into a freshly made downlink compressor of the same configuration.
     *
     * @param in what {@link #save} wrote
     */
    public void restore(org.dml4j.core.Snapshot in) {
        float[] r = in.getFloats("replica", replica.length);
        state.restore(in.under("state"));
        System.arraycopy(r, 0, replica, 0, r.length);
    }
}
