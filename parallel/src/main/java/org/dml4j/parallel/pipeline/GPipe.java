package org.dml4j.parallel.pipeline;

/**
 * GPipe: every device runs all forward passes, then all (fused) backward passes. Bubble {@code (p-1)(F+B+W)};
 * every device holds the activations of all {@code m} micro-batches.
 *
 * <pre>
 * Huang et al., "GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism", NeurIPS 2019.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class GPipe implements PipelineScheduler {
    /** Creates the scheduler (stateless). */
    public GPipe() {
    }

    @Override
    public String name() {
        return "gpipe";
    }

    @Override
    public String description() {
        return "GPipe, all forwards then all backwards (Huang et al., NeurIPS 2019); v = 1";
    }

    @Override
    public boolean supportsChunks(int chunks) {
        return chunks == 1;
    }

    @Override
    public int defaultChunks() {
        return 1;
    }

    @Override
    public Schedule schedule(StageCosts costs, int microbatches, int chunks) {
        PipelineSchedulers.checkArguments(this, costs, microbatches, chunks);
        int p = costs.stages();
        int m = microbatches;
        int[][] ops = new int[p][2 * m];
        for (int d = 0; d < p; d++) {
            for (int j = 0; j < m; j++) {
                ops[d][j] = Op.encode(OpKind.F, 0, j);
                ops[d][m + j] = Op.encode(OpKind.BW, 0, j);
            }
        }
        return PipelineSchedulers.checkMemory(new Schedule(name(), m, 1, ChunkLayout.INTERLEAVED, ops), costs);
    }
}
