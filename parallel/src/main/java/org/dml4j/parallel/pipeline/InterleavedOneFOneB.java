package org.dml4j.parallel.pipeline;

/**
 * Interleaved 1F1B: each device holds {@code v} model chunks (chunk {@code c} of device {@code d} is virtual stage
 * {@code c*p + d}) and runs Megatron-LM's order: {@code 2(p-d-1) + (v-1)p} warm-up forwards, then alternating
 * forward and backward, micro-batches taken in groups of {@code p} per chunk. Bubble {@code (p-1)(F+B+W)/v}, at the
 * price of {@code v} times more point-to-point messages. Needs {@code v >= 2} and {@code m} a multiple of
 * {@code p}.
 *
 * <pre>
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021,
 * section 2.2.2 (schedule with interleaved stages).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class InterleavedOneFOneB implements PipelineScheduler {
    /** Creates the scheduler (stateless). */
    public InterleavedOneFOneB() {
    }

    @Override
    public String name() {
        return "interleaved";
    }

    @Override
    public String description() {
        return "interleaved 1F1B (Narayanan et al., SC 2021); v >= 2 chunks per device, m a multiple of p";
    }

    @Override
    public boolean supportsChunks(int chunks) {
        return chunks >= 2 && chunks <= Op.MAX_CHUNK + 1;
    }

    @Override
    public int defaultChunks() {
        return 2;
    }

    @Override
    public Schedule schedule(StageCosts costs, int microbatches, int chunks) {
        PipelineSchedulers.checkArguments(this, costs, microbatches, chunks);
        int p = costs.stages();
        int m = microbatches;
        int v = chunks;
        if (m % p != 0) {
            throw new IllegalArgumentException("interleaved 1F1B needs microbatches (m) to be a multiple of the "
                    + "stages (p = " + p + "), got m = " + m);
        }
        int total = m * v;
        int[][] ops = new int[p][2 * total];
        for (int d = 0; d < p; d++) {
            int warm = m == p ? total : Math.min((p - d - 1) * 2 + (v - 1) * p, total);
            int n = 0;
            for (int k = 0; k < warm; k++) {
                ops[d][n++] = forward(k, p, v);
            }
            for (int i = 0; i < total - warm; i++) {
                ops[d][n++] = forward(warm + i, p, v);
                ops[d][n++] = backward(i, p, v);
            }
            for (int k = total - warm; k < total; k++) {
                ops[d][n++] = backward(k, p, v);
            }
        }
        return PipelineSchedulers.checkMemory(new Schedule(name(), m, v, ChunkLayout.INTERLEAVED, ops), costs);
    }

    private static int forward(int step, int p, int v) {
        int inGroup = step % (p * v);
        int mb = (step / (p * v)) * p + inGroup % p;
        return Op.encode(OpKind.F, inGroup / p, mb);
    }

    private static int backward(int step, int p, int v) {
        int inGroup = step % (p * v);
        int mb = (step / (p * v)) * p + inGroup % p;
        return Op.encode(OpKind.BW, v - 1 - inGroup / p, mb);
    }
}
