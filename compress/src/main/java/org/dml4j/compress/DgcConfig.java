package org.dml4j.compress;

/**
 * Configuration of {@link DgcCompressor} ({@code type = "dgc"}).
 *
 * @param ratio        final fraction of elements sent, in (0, 1] (the paper: 0.001)
 * @param momentum     momentum m of the local velocity, in [0, 1) (default 0.9)
 * @param clipNorm     local gradient clipping: the update is scaled to at most this L2 norm before it enters the
 *                     velocity (the paper uses the global threshold times {@code N^{-1/2}}); null = no clipping
 * @param warmupRounds rounds of exponentially increasing sparsity, density {@code max(ratio, 0.25^(round+1))} (the
 *                     paper: 4 epochs, 75%, 93.75%, 98.4375%, 99.6%); default 0
 * @param sampleRatio  fraction of each layer sampled to estimate the Top-k threshold, in (0, 1] (default 0.01)
 * @param perLayer     select per layer of the {@link UpdateLayout} passed to {@code newState}
 * @param segments     explicit layer sizes (must sum to the dimension); overrides perLayer
 * @param values       wire format of the values: {@code "fp32"} (default), {@code "fp16"} or {@code "bf16"}
 */
public record DgcConfig(double ratio, Double momentum, Double clipNorm, Integer warmupRounds, Double sampleRatio,
        boolean perLayer, int[] segments, String values) implements CompressorConfig {
    /** Validates and applies defaults. */
    public DgcConfig {
        Checks.ratio("ratio", ratio);
        if (momentum == null) {
            momentum = 0.9;
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (clipNorm != null) {
            Checks.positive("clip-norm", clipNorm);
        }
        if (warmupRounds == null) {
            warmupRounds = 0;
        }
        Checks.atLeast("warmup-rounds", warmupRounds, 0);
        if (sampleRatio == null) {
            sampleRatio = 0.01;
        }
        Checks.ratio("sample-ratio", sampleRatio);
        segments = Checks.segments("segments", segments);
        ValueFormat.parse(values, "values");
    }

    /**
     * @param ratio final density
     * @return the paper's defaults: momentum 0.9, no clipping, no warm-up, 1% sample, whole vector
     */
    public static DgcConfig of(double ratio) {
        return new DgcConfig(ratio, 0.9, null, 0, 0.01, false, null, null);
    }

    /** @return a copy of the segments, or null */
    @Override
    public int[] segments() {
        return segments == null ? null : segments.clone();
    }
}
