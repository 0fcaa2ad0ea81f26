package org.dml4j.parallel.pipeline;

/**
 * ZB-H1: backward split into B (input gradient) and W (weight gradient). Device {@code d} runs 1F1B's warm-up
 * ({@code p-d} forwards), then for each micro-batch {@code j} its B, the W of micro-batch {@code j-d} (W passes
 * start {@code d} micro-batches late) and the next F; the deferred W passes fill the tail. The B chain between
 * stages no longer waits for W, so with {@code m >= p} the bubble is {@code (p-1) max(F+B-W, F, B)}, which is
 * {@code (p-1)(F+B-W)} when {@code W <= min(F, B)} and a third of 1F1B's when {@code F = B = W}. At most
 * {@code p-d} micro-batches wait for their B and {@code p} for their W, so the first stage's peak equals 1F1B's.
 *
 * <pre>
 * Qi, Wan, Huang, Lin, "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024, section 2.1 (ZB-H1).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ZeroBubbleH1 implements PipelineScheduler {
    /** Creates the scheduler (stateless). */
    public ZeroBubbleH1() {
    }

    @Override
    public String name() {
        return "zb-h1";
    }

    @Override
    public String description() {
        return "ZB-H1, split B/W at 1F1B memory (Qi et al., ICLR 2024); v = 1";
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
        int[][] ops = new int[p][3 * m];
        for (int d = 0; d < p; d++) {
            int n = 0;
            int f = 0;
            int w = 0;
            int warm = Math.min(p - d, m);
            while (f < warm) {
                ops[d][n++] = Op.encode(OpKind.F, 0, f++);
            }
            for (int j = 0; j < m; j++) {
                ops[d][n++] = Op.encode(OpKind.B, 0, j);
                if (j >= d) {
                    ops[d][n++] = Op.encode(OpKind.W, 0, w++);
                }
                if (f < m) {
                    ops[d][n++] = Op.encode(OpKind.F, 0, f++);
                }
            }
            while (w < m) {
                ops[d][n++] = Op.encode(OpKind.W, 0, w++);
            }
        }
        return PipelineSchedulers.checkMemory(new Schedule(name(), m, 1, ChunkLayout.INTERLEAVED, ops), costs);
    }
}
