package org.dml4j.parallel.pipeline;

/**
 * ZB-V: two chunks per device placed in a V (chunk 0 of device {@code d} is virtual stage {@code d}, chunk 1 is
 * {@code 2p-1-d}), so the first device also runs the last stage; backward split into B and W, B first, W filling
 * gaps; every device holds at most {@code p} micro-batches' worth of activations (1F1B's peak). With
 * {@code F = B = W} every device works without a gap from its first to its last operation (zero bubble with
 * optimizer post-validation), at twice 1F1B's point-to-point traffic.
 *
 * <pre>
 * Qi, Wan, Huang, Lin, "Zero Bubble (Almost) Pipeline Parallelism", arXiv:2401.10241 (ZB-V), ICLR 2024.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ZeroBubbleV implements PipelineScheduler {
    /** Creates the scheduler (stateless). */
    public ZeroBubbleV() {
    }

    @Override
    public String name() {
        return "zb-v";
    }

    @Override
    public String description() {
        return "ZB-V, two chunks per device in a V, split B/W (Qi et al., ICLR 2024); v = 2";
    }

    @Override
    public boolean supportsChunks(int chunks) {
        return chunks == 2;
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
        // Built for n >= 2p-1 micro-batches; with fewer, the extra micro-batches' operations are dropped, which
        // keeps every dependency and the order of the rest.
        int n = Math.max(2 * p - 1, m);
        int[][] ops = new int[p][];
        for (int d = 0; d < p; d++) {
            Order o = new Order(m, 6 * m);
            int f0 = 0;
            int f1 = 0;
            int b0 = 0;
            int b1 = 0;
            for (int i = 0; i < 2 * (p - d) - 1; i++) {
                o.add(OpKind.F, 0, f0++);
            }
            for (int i = 0; i < d; i++) {
                o.add(OpKind.F, 1, f1++);
                o.add(OpKind.F, 0, f0++);
            }
            for (int i = 0; i < p - d; i++) {
                o.add(OpKind.F, 1, f1++);
                o.add(OpKind.B, 1, b1);
                o.add(OpKind.W, 1, b1++);
            }
            while (f1 < f0 || f0 < n) {
                if (f0 < n) {
                    o.add(OpKind.F, 0, f0++);
                }
                o.add(OpKind.B, 0, b0);
                o.add(OpKind.W, 0, b0++);
                o.add(OpKind.F, 1, f1++);
                o.add(OpKind.B, 1, b1);
                o.add(OpKind.W, 1, b1++);
            }
            int w0 = b0;
            int w1 = b1;
            for (int i = 0; i < d; i++) {
                o.add(OpKind.B, 0, b0++);
                o.add(OpKind.B, 1, b1++);
            }
            for (int i = 0; i < p - d; i++) {
                o.add(OpKind.B, 0, b0++);
                o.add(OpKind.W, 0, w0++);
            }
            while (w1 < b1) {
                o.add(OpKind.W, 1, w1++);
            }
            while (w0 < b0) {
                o.add(OpKind.W, 0, w0++);
            }
            ops[d] = o.toArray();
        }
        return PipelineSchedulers.checkMemory(new Schedule(name(), m, 2, ChunkLayout.V_SHAPE, ops), costs);
    }

    /** An operation list that drops micro-batches beyond {@code m}. */
    private static final class Order {
        private final int m;
        private int[] codes;
        private int size;

        Order(int m, int capacity) {
            this.m = m;
            this.codes = new int[capacity];
        }

        void add(OpKind kind, int chunk, int mb) {
            if (mb < m) {
                codes[size++] = Op.encode(kind, chunk, mb);
            }
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(codes, size);
        }
    }
}
