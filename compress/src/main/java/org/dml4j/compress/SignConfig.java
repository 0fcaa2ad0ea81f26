package org.dml4j.compress;

/**
 * Configuration of {@link SignCompressor} ({@code type = "sign"}). With {@code error-feedback = true} this is
 * EF-signSGD.
 *
 * @param scaled        scale the signs by the bucket's mean magnitude {@code ||v||_1 / n} (default true); false sends
 *                      plain ±1 (signSGD, the server's step size does the scaling)
 * @param bucketSize    elements per bucket sharing one scale; null = a whole layer
 * @param perLayer      apply to every layer of the {@link UpdateLayout} passed to {@code newState} separately
 * @param segments      explicit layer sizes (must sum to the dimension); overrides perLayer
 * @param errorFeedback wrap in {@link ErrorFeedback}
 */
public record SignConfig(Boolean scaled, Integer bucketSize, boolean perLayer, int[] segments, boolean errorFeedback)
        implements CompressorConfig {
    /** Validates and applies defaults. */
    public SignConfig {
        if (scaled == null) {
            scaled = Boolean.TRUE;
        }
        if (bucketSize != null) {
            Checks.atLeast("bucket-size", bucketSize, 1);
        }
        segments = Checks.segments("segments", segments);
    }

    /**
     * @param errorFeedback whether to use error feedback (EF-signSGD)
     * @return a scaled, whole-vector config
     */
    public static SignConfig scaled(boolean errorFeedback) {
        return new SignConfig(true, null, false, null, errorFeedback);
    }

    /** @return a copy of the segments, or null */
    @Override
    public int[] segments() {
        return segments == null ? null : segments.clone();
    }
}
