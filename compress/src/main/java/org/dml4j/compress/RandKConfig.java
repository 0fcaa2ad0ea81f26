package org.dml4j.compress;

/**
 * Configuration of {@link RandKCompressor} ({@code type = "randk"}). Give exactly one of {@code ratio} and {@code k}.
 *
 * @param ratio         fraction of elements kept, in (0, 1]; per layer {@code k = ceil(ratio * layerSize)}
 * @param k             exact number of elements kept from the whole vector (not with segments or per-layer), &gt;= 1
 * @param unbiased      scale kept values by {@code n/k} so that the decoded update is unbiased
 * @param perLayer      apply to every layer of the {@link UpdateLayout} passed to {@code newState} separately
 * @param segments      explicit layer sizes (must sum to the dimension); overrides perLayer
 * @param errorFeedback wrap in {@link ErrorFeedback}
 * @param values        wire format of the kept values: {@code "fp32"} (default), {@code "fp16"} or {@code "bf16"}
 */
public record RandKConfig(Double ratio, Integer k, boolean unbiased, boolean perLayer, int[] segments,
        boolean errorFeedback, String values) implements CompressorConfig {
    /** Validates; messages name the field and the value. */
    public RandKConfig {
        if ((ratio == null) == (k == null)) {
            throw new IllegalArgumentException("randk needs exactly one of ratio and k, got ratio=" + ratio + ", k="
                    + k);
        }
        if (ratio != null) {
            Checks.ratio("ratio", ratio);
        }
        if (k != null) {
            Checks.atLeast("k", k, 1);
            if (segments != null || perLayer) {
                throw new IllegalArgumentException("k applies to the whole vector; use ratio with segments or"
                        + " per-layer, got k=" + k);
            }
        }
        segments = Checks.segments("segments", segments);
        ValueFormat.parse(values, "values");
    }

    /**
     * @param ratio    fraction kept
     * @param unbiased scale by n/k
     * @return a whole-vector fp32 config without error feedback
     */
    public static RandKConfig ofRatio(double ratio, boolean unbiased) {
        return new RandKConfig(ratio, null, unbiased, false, null, false, null);
    }

    /** @return a copy of the segments, or null */
    @Override
    public int[] segments() {
        return segments == null ? null : segments.clone();
    }
}
