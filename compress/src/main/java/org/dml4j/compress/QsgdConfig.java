package org.dml4j.compress;

/**
 * Configuration of {@link QsgdCompressor} ({@code type = "qsgd"}).
 *
 * @param levels        number of positive levels s, in [1, 127] (codes take {@code ceil(log2(2s+1))} bits)
 * @param bucketSize    elements per bucket sharing one norm (QSGD's experiments use 512); null = a whole layer
 * @param perLayer      quantize every layer of the {@link UpdateLayout} passed to {@code newState} separately
 * @param segments      explicit layer sizes (must sum to the dimension); overrides perLayer
 * @param errorFeedback wrap in {@link ErrorFeedback}
 */
public record QsgdConfig(int levels, Integer bucketSize, boolean perLayer, int[] segments, boolean errorFeedback)
        implements CompressorConfig {
    /** Validates; messages name the field and the value. */
    public QsgdConfig {
        if (levels < 1 || levels > QuantizedUpdate.MAX_LEVELS) {
            throw new IllegalArgumentException("levels must be in [1, " + QuantizedUpdate.MAX_LEVELS + "], got "
                    + levels);
        }
        if (bucketSize != null) {
            Checks.atLeast("bucket-size", bucketSize, 1);
        }
        segments = Checks.segments("segments", segments);
    }

    /**
     * @param levels     number of levels
     * @param bucketSize bucket size, or null for whole layers
     * @return a whole-vector config without error feedback
     */
    public static QsgdConfig of(int levels, Integer bucketSize) {
        return new QsgdConfig(levels, bucketSize, false, null, false);
    }

    /** @return a copy of the segments, or null */
    @Override
    public int[] segments() {
        return segments == null ? null : segments.clone();
    }
}
