package org.dml4j.compress;

/**
 * Configuration of {@link ThresholdCompressor} ({@code type = "threshold"}).
 *
 * @param threshold     magnitude at and above which entries are sent, finite and &gt; 0
 * @param errorFeedback wrap in {@link ErrorFeedback} (Sahu et al. use it)
 * @param values        wire format of the kept values: {@code "fp32"} (default), {@code "fp16"} or {@code "bf16"}
 */
public record ThresholdConfig(double threshold, boolean errorFeedback, String values) implements CompressorConfig {
    /** Validates; messages name the field and the value. */
    public ThresholdConfig {
        Checks.positive("threshold", threshold);
        ValueFormat.parse(values, "values");
    }

    /**
     * @param threshold the magnitude threshold
     * @return an fp32 config without error feedback
     */
    public static ThresholdConfig of(double threshold) {
        return new ThresholdConfig(threshold, false, null);
    }
}
