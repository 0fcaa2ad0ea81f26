package org.dml4j.compress;

/**
 * Configuration of {@link TopKCompressor} ({@code type = "topk"}). Give exactly one of {@code ratio} and {@code k}.
 *
 * @param ratio         fraction of elements kept, in (0, 1]; per layer {@code k = ceil(ratio * layerSize)}
 * @param k             exact number of elements kept from the whole vector (not with segments or per-layer), &gt;= 1
 * @param perLayer      apply to every layer of the {@link UpdateLayout} passed to {@code newState} separately
 * @param segments      explicit layer sizes to apply to separately (must sum to the dimension); overrides perLayer
 * @param errorFeedback wrap in {@link ErrorFeedback}
 * @param values        wire format of the kept values: {@code "fp32"} (default), {@code "fp16"} or {@code "bf16"}
 */
public record TopKConfig(Double ratio, Integer k, boolean perLayer, int[] segments, boolean errorFeedback,
        String values) implements CompressorConfig {
    /** Validates; messages name the field and the value. */
    public TopKConfig {
        if ((ratio == null) == (k == null)) {
            throw new IllegalArgumentException("topk needs exactly one of ratio and k, got ratio=" + ratio + ", k="
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
     * @param ratio fraction kept
     * @return a whole-vector fp32 config without error feedback
     */
    public static TopKConfig ofRatio(double ratio) {
        return new TopKConfig(ratio, null, false, null, false, null);
    }

    /**
     * @param k elements kept
     * @return a whole-vector fp32 config without error feedback
     */
    public static TopKConfig ofK(int k) {
        return new TopKConfig(null, k, false, null, false, null);
    }

    /** @return a copy with error feedback switched on */
    public TopKConfig withErrorFeedback() {
        return new TopKConfig(ratio, k, perLayer, segments, true, values);
    }

    /** @return a copy of the segments, or null */
    @Override
    public int[] segments() {
        return segments == null ? null : segments.clone();
    }

    /** @return the parsed value format */
    public ValueFormat valueFormat() {
        return ValueFormat.parse(values, "values");
    }
}
