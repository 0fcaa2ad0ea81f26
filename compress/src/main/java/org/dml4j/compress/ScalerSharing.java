package org.dml4j.compress;

/**
 * A compressor state whose per-bucket scalers can be shared across workers before it compresses (TernGrad's scaler
 * sharing: {@link TernGradCompressor#shareScalers}). Call order per round: {@link #localScalers} on every worker,
 * the maximum on the server, {@link #setSharedScalers} on every worker, then {@link CompressorState#compress} with
 * the same update. {@link ErrorFeedback} states forward both calls, applying them to residual plus update.
 */
public interface ScalerSharing {
    /**
     * @param update the update the next {@code compress} will get; read only
     * @return this worker's scaler of every bucket for it (a new array)
     * @throws IllegalArgumentException when the length differs from the state's dimension or a value is not finite
     */
    float[] localScalers(float[] update);

    /**
     * Makes the next {@code compress} (only) ternarize with these scalers instead of its own.
     *
     * @param scalers one finite, non-negative scaler per bucket; copied
     * @throws IllegalArgumentException when the length is not the number of buckets or a scaler is invalid
     */
    void setSharedScalers(float[] scalers);
}
