package org.dml4j.planner.model;

/**
 * The shape of one weight matrix multiplication of a layer, per sample, before any parallelism: {@code rows} tokens
 * of width {@code k} times a {@code k x n} weight. The cost model uses the shape, after tensor parallelism splits
 * {@code n} (column-parallel, Megatron's QKV and first FFN matrix) or {@code k} (row-parallel: the attention output
 * projection and the second FFN matrix) and the micro-batch multiplies the rows, for the GEMM's arithmetic intensity
 * (see {@link org.dml4j.planner.cluster.GpuType}); its FLOPs stay those of {@link LayerSpec#matmulFlops()}.
 *
 * <pre>
 * Shoeybi et al., "Megatron-LM: Training Multi-Billion Parameter Language Models Using Model Parallelism", 2019
 * (column- and row-parallel linear layers).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param rows        tokens per sample entering the matrix multiplication (for a routed expert: the tokens per
 *                    sample one expert receives, {@code s * topK / experts})
 * @param k           inner dimension
 * @param n           output columns
 * @param rowParallel whether tensor parallelism splits {@code k} (row-parallel) rather than {@code n}
 * @param expert      whether it is a routed expert's: expert parallelism gathers the tokens of its group onto it
 */
public record Gemm(double rows, double k, double n, boolean rowParallel, boolean expert) {
    /** Validates, naming the field. */
    public Gemm {
        positive("rows", rows);
        positive("k", k);
        positive("n", n);
    }

    private static void positive(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("gemm " + field + " must be a finite number > 0, got " + v);
        }
    }

    /**
     * @return forward FLOPs per sample, {@code 2 rows k n}
     */
    public double flops() {
        return 2 * rows * k * n;
    }
}
