package org.dml4j.compress;

/**
 * Configuration of {@link AccordionCompressor} ({@code type = "accordion"}).
 *
 * @param compressor    the compressor switched between levels: {@code "topk"} (levels are ratios) or
 *                      {@code "threshold"} (levels are thresholds)
 * @param conservative  the level for critical rounds: the larger ratio, or the smaller threshold
 * @param aggressive    the level otherwise: the smaller ratio, or the larger threshold
 * @param eta           relative norm change that marks a critical round (default 0.5)
 * @param perLayer      Top-k only: select per layer of the {@link UpdateLayout} passed to {@code newState}
 * @param segments      Top-k only: explicit layer sizes
 * @param errorFeedback wrap the switched compressor in {@link ErrorFeedback}
 * @param values        wire format of the kept values: {@code "fp32"} (default), {@code "fp16"} or {@code "bf16"}
 */
public record AccordionConfig(String compressor, double conservative, double aggressive, Double eta,
        boolean perLayer, int[] segments, boolean errorFeedback, String values) implements CompressorConfig {
    /** Validates and applies defaults. */
    public AccordionConfig {
        if (!"topk".equals(compressor) && !"threshold".equals(compressor)) {
            throw new IllegalArgumentException("compressor must be 'topk' or 'threshold', got '" + compressor + "'");
        }
        if ("topk".equals(compressor)) {
            Checks.ratio("conservative", conservative);
            Checks.ratio("aggressive", aggressive);
            if (conservative < aggressive) {
                throw new IllegalArgumentException("for topk the conservative ratio must be >= the aggressive one, got "
                        + conservative + " < " + aggressive);
            }
        } else {
            Checks.positive("conservative", conservative);
            Checks.positive("aggressive", aggressive);
            if (conservative > aggressive) {
                throw new IllegalArgumentException("for threshold the conservative threshold must be <= the"
                        + " aggressive one, got " + conservative + " > " + aggressive);
            }
            if (segments != null || perLayer) {
                throw new IllegalArgumentException("segments and per-layer apply to topk only");
            }
        }
        if (eta == null) {
            eta = org.dml4j.compress.adaptive.Accordion.DEFAULT_ETA;
        }
        Checks.positive("eta", eta);
        segments = Checks.segments("segments", segments);
        ValueFormat.parse(values, "values");
    }

    /**
     * @param conservative the ratio of critical rounds
     * @param aggressive   the ratio otherwise
     * @return a whole-vector fp32 Top-k config with the default η and without error feedback, as a config file
     *     without those keys gives
     */
    public static AccordionConfig topk(double conservative, double aggressive) {
        return new AccordionConfig("topk", conservative, aggressive, null, false, null, false, null);
    }

    /** @return a copy of the segments, or null */
    @Override
    public int[] segments() {
        return segments == null ? null : segments.clone();
    }
}
