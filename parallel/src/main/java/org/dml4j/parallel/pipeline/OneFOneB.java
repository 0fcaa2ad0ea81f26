package org.dml4j.parallel.pipeline;

/**
 * 1F1B (PipeDream-Flush): device {@code d} runs {@code p-d-1} warm-up forward passes, then alternates one forward
 * and one (fused) backward, then drains the remaining backwards. Same bubble as GPipe, {@code (p-1)(F+B+W)}, but
 * device {@code d} holds at most {@code p-d} micro-batches' activations.
 *
 * <pre>
 * Narayanan et al., "Memory-Efficient Pipeline-Parallel DNN Training" (PipeDream-2BW/Flush), ICML 2021;
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class OneFOneB implements PipelineScheduler {
    /** Creates the scheduler (stateless). */
    public OneFOneB() {
    }

    @Override
    public String name() {
        return "1f1b";
    }

    @Override
    public String description() {
        return "1F1B / PipeDream-Flush (Narayanan et al., SC 2021); v = 1";
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
        return PipelineSchedulers.checkMemory(build(name(), costs.stages(), microbatches), costs);
    }

    static Schedule build(String name, int p, int m) {
        int[][] ops = new int[p][2 * m];
        for (int d = 0; d < p; d++) {
            int warm = Math.min(p - d - 1, m);
            int n = 0;
            for (int j = 0; j < warm; j++) {
                ops[d][n++] = Op.encode(OpKind.F, 0, j);
            }
            for (int i = 0; i < m - warm; i++) {
                ops[d][n++] = Op.encode(OpKind.F, 0, warm + i);
                ops[d][n++] = Op.encode(OpKind.BW, 0, i);
            }
            for (int j = m - warm; j < m; j++) {
                ops[d][n++] = Op.encode(OpKind.BW, 0, j);
            }
        }
        return new Schedule(name, m, 1, ChunkLayout.INTERLEAVED, ops);
    }
}
