package org.dml4j.compress;

/**
 * Configuration of {@link TernGradCompressor} ({@code type = "terngrad"}).
 *
 * @param clip          clip magnitudes at {@code clip} standard deviations of the bucket before ternarizing (the
 *                      paper uses 2.5); null = no clipping (then the compressor is unbiased)
 * @param bucketSize    elements per bucket sharing one scale; null = a whole layer (the paper scales per layer)
 * @param perLayer      apply to every layer of the {@link UpdateLayout} passed to {@code newState} separately
 * @param segments      explicit layer sizes (must sum to the dimension); overrides perLayer
 * @param errorFeedback wrap in {@link ErrorFeedback}
 * @param sharedScaler  share every bucket's scaler across the workers of a round, as in the paper (Wen et al. 2017,
 *                      §3): the states ask for one {@link RoundExchange} (each worker's scalers, combined by their
 *                      maximum) before each compression, so that all workers ternarize with the same scale; null or
 *                      false = each worker its own scaler (no exchange)
 */
public record TernGradConfig(Double clip, Integer bucketSize, boolean perLayer, int[] segments,
        boolean errorFeedback, Boolean sharedScaler) implements CompressorConfig {
    /** Validates; messages name the field and the value. */
    public TernGradConfig {
        if (clip != null) {
            Checks.positive("clip", clip);
        }
        if (bucketSize != null) {
            Checks.atLeast("bucket-size", bucketSize, 1);
        }
        segments = Checks.segments("segments", segments);
        if (sharedScaler == null) {
            sharedScaler = Boolean.FALSE;
        }
    }

    /**
     * The configuration without a shared scaler.
     *
     * @param clip          see the record
     * @param bucketSize    see the record
     * @param perLayer      see the record
     * @param segments      see the record
     * @param errorFeedback see the record
     */
    public TernGradConfig(Double clip, Integer bucketSize, boolean perLayer, int[] segments, boolean errorFeedback) {
        this(clip, bucketSize, perLayer, segments, errorFeedback, false);
    }

    /** @return an unclipped whole-vector config without error feedback */
    public static TernGradConfig unbiased() {
        return new TernGradConfig(null, null, false, null, false, false);
    }

    /** @return a copy of the segments, or null */
    @Override
    public int[] segments() {
        return segments == null ? null : segments.clone();
    }
}
