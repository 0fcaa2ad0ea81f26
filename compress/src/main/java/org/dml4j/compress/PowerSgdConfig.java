package org.dml4j.compress;

/**
 * Configuration of {@link PowerSgdCompressor} ({@code type = "powersgd"}).
 *
 * @param rank          rank r of the factors, &gt;= 1
 * @param warmStart     reuse the previous round's Q as the starting point (default true, as in the paper)
 * @param shapes        layer shapes of the vector ({@code [[rows, cols], [n], ...]}); when null, the
 *                      {@link UpdateLayout} passed to {@code newState} gives them
 * @param errorFeedback wrap in {@link ErrorFeedback}; default true, from a config file as from {@link #of} (the paper
 *                      always uses it)
 * @param values        wire format of the factors: {@code "fp32"} (default), {@code "fp16"} or {@code "bf16"}
 * @param sharedQ       the paper's all-reduce form (default false): every worker starts from the same Q (drawn from a
 *                      seed fixed by the layer, not the worker's) and its states implement {@link FactorSharing}, by
 *                      which P and Q are all-reduced within a round; they ask a federated runtime for those
 *                      all-reduces as a {@link RoundExchange} of two phases (the mean P, then the mean Q), and
 *                      their replies carry only the raw layers
 */
public record PowerSgdConfig(int rank, Boolean warmStart, int[][] shapes, Boolean errorFeedback,
        String values, Boolean sharedQ)
        implements CompressorConfig {
    /** Validates and applies defaults. */
    public PowerSgdConfig {
        Checks.atLeast("rank", rank, 1);
        if (warmStart == null) {
            warmStart = Boolean.TRUE;
        }
        if (errorFeedback == null) {
            errorFeedback = Boolean.TRUE;
        }
        if (sharedQ == null) {
            sharedQ = Boolean.FALSE;
        }
        if (shapes != null) {
            shapes = new UpdateLayout(shapes).shapes();
        }
        ValueFormat.parse(values, "values");
    }

    /**
     * @param rank factor rank
     * @return a warm-started fp32 config with error feedback, shapes from the layout, each worker its own Q
     */
    public static PowerSgdConfig of(int rank) {
        return new PowerSgdConfig(rank, true, null, true, null, false);
    }

    /** @return a copy of the shapes, or null */
    @Override
    public int[][] shapes() {
        return shapes == null ? null : new UpdateLayout(shapes).shapes();
    }
}
