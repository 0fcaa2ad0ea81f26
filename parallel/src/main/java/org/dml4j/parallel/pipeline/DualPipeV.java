package org.dml4j.parallel.pipeline;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * DualPipeV: DeepSeek's DualPipe cut in half onto a V ({@code p} devices, {@code 2p} virtual stages, chunk 0 of
 * device {@code d} is stage {@code d}, chunk 1 is stage {@code 2p-1-d}, as ZB-V). Device {@code d} runs, in order:
 * <ol>
 *   <li>{@code 2(p-d-1)} forwards of chunk 0;</li>
 *   <li>{@code d+1} pairs F(chunk 0), F(chunk 1);</li>
 *   <li>{@code p-d-1} triples B(chunk 1) with its W deferred, one deferred W, F(chunk 1);</li>
 *   <li>the main phase, {@code m - 2p + d + 1} times: F(0) with a full backward of chunk 1, then F(1) with a full
 *       backward of chunk 0 (DualPipe overlaps each pair's computation with the other's communication; the
 *       simulator runs them one after the other);</li>
 *   <li>{@code p-d-1} times: a full backward of chunk 1, then F(1) with a full backward of chunk 0;</li>
 *   <li>{@code d+1} pairs B(1), B(0), whose W is deferred from the middle pair on;</li>
 *   <li>{@code p-d-1} pairs: one deferred W, B(0) with its W deferred;</li>
 *   <li>the remaining deferred W passes, first in first out.</li>
 * </ol>
 * It needs {@code m >= 2p} micro-batches. Published bubble (DualPipe README, same number of stages {@code PP = 2p}):
 * {@code (PP/2 - 1)(F&B + B - 3W)}, with {@code B} a full backward and {@code F&B} an overlapped forward and
 * backward pair; activations {@code PP + 1} chunks per device.
 *
 * <p>Reconstructed from the step structure of {@code dualpipe/dualpipev.py} in deepseek-ai/DualPipe (commit
 * 3da1bbea53606543d7f5f232338fc58096db30e3) and the DeepSeek-V3 Technical Report (arXiv:2412.19437), section
 * 3.2.1; the cut-in-half V form is Sea AI Lab's. Not a translation of that code: the order is re-derived into this
 * package's operations.
 *
 * <p>Immutable and thread-safe.
 */
public final class DualPipeV implements PipelineScheduler {
    /** Creates the scheduler (stateless). */
    public DualPipeV() {
    }

    @Override
    public String name() {
        return "dualpipev";
    }

    @Override
    public String description() {
        return "DualPipeV, DualPipe cut in half on a V (DeepSeek-V3 report; deepseek-ai/DualPipe); v = 2, m >= 2p";
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
        if (m < 2 * p) {
            throw new IllegalArgumentException("microbatches (m) must be >= 2p = " + 2 * p + " for dualpipev, got "
                    + m);
        }
        int[][] ops = new int[p][];
        for (int d = 0; d < p; d++) {
            ops[d] = new Device(m).build(p, d);
        }
        return PipelineSchedulers.checkMemory(new Schedule(name(), m, 2, ChunkLayout.V_SHAPE, ops), costs);
    }

    /** One device's operation list as it is built. */
    private static final class Device {
        private final int[] codes;
        private int size;
        private final int[] nextF = new int[2];
        private final int[] nextB = new int[2];
        private final ArrayDeque<int[]> deferred = new ArrayDeque<>();

        Device(int m) {
            codes = new int[6 * m];
        }

        private void f(int chunk) {
            codes[size++] = Op.encode(OpKind.F, chunk, nextF[chunk]++);
        }

        /** A backward of {@code chunk}: B with its W deferred when {@code split}, else the fused BW. */
        private void b(int chunk, boolean split) {
            int mb = nextB[chunk]++;
            if (split) {
                codes[size++] = Op.encode(OpKind.B, chunk, mb);
                deferred.add(new int[] {chunk, mb});
            } else {
                codes[size++] = Op.encode(OpKind.BW, chunk, mb);
            }
        }

        private void w() {
            int[] cw = deferred.remove();
            codes[size++] = Op.encode(OpKind.W, cw[0], cw[1]);
        }

        int[] build(int p, int d) {
            int m = codes.length / 6;
            for (int i = 0; i < 2 * (p - d - 1); i++) {
                f(0);
            }
            for (int i = 0; i < d + 1; i++) {
                f(0);
                f(1);
            }
            for (int i = 0; i < p - d - 1; i++) {
                b(1, true);
                w();
                f(1);
            }
            for (int i = 0; i < m - 2 * p + d + 1; i++) {
                f(0);
                b(1, false);
                f(1);
                b(0, false);
            }
            for (int i = 0; i < p - d - 1; i++) {
                b(1, false);
                f(1);
                b(0, false);
            }
            boolean split = false;
            int half = d + 1;
            for (int i = 0; i < half; i++) {
                if (i == half / 2 && d % 2 == 1) {
                    split = true;
                }
                b(1, split);
                if (i == half / 2 && d % 2 == 0) {
                    split = true;
                }
                b(0, split);
            }
            for (int i = 0; i < p - d - 1; i++) {
                w();
                b(0, true);
            }
            while (!deferred.isEmpty()) {
                w();
            }
            return Arrays.copyOf(codes, size);
        }
    }
}
