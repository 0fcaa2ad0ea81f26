package org.dml4j.parallel.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The V-shape schedules with controllable memory of Qi, Wan, Huang, Lin ("Pipeline Parallelism with Controllable
 * Memory", NeurIPS 2024): one building block per micro-batch, repeated every 6 time units, fixes when device
 * {@code i} runs F of chunk 0, F of chunk 1, B of chunk 1 and B of chunk 0 (units where one chunk's F, B or W
 * takes 1); the block's lifespan sets the activation memory, {@code (4p + O(1)) / 6} chunks' worth for V-Min
 * (a third of 1F1B's) and {@code (6p + O(1)) / 6} for V-Half (half). W passes fill the free units of the repeated
 * pattern first in first out. Devices then run their operations in the order of those times (the simulator starts
 * each as soon as its inputs and its device are ready, which squeezes the warm-up and cool-down).
 *
 * <p>Block offsets for device {@code i} of {@code p} (the paper's Figures 4 and 5):
 * <ul>
 *   <li>V-Min: F0 = {@code i}, F1 = {@code 2p - i - 1}, B1 = {@code 2p + g + i}, B0 = {@code 4p + g - i - 1}, with
 *       {@code g = 2} when 3 divides {@code p}, else 0 (to keep the four offsets apart modulo 6);</li>
 *   <li>V-Half: F0 = {@code 2i}, F1 = {@code 3p - i - 2}, B1 = {@code 3p + g + 2i - 1},
 *       B0 = {@code 6p + g - i - 2}, with {@code g = 3} when {@code p} is even, else 0.</li>
 * </ul>
 * Reconstructed from the paper and from the stable patterns in sail-sg/zero-bubble-pipeline-parallelism
 * ({@code megatron/core/pipeline_parallel/zerobubble/scheduler/zbv_greedy.py}, commit
 * 39f2c186a27580b7051eb51e0f651e1efd0a8170); that file's greedy post-pass that also moves blocks is not reproduced,
 * so warm-up and cool-down can keep a little more idle time than the paper's figures.
 *
 * <p>Immutable and thread-safe.
 */
abstract class ControllableMemoryV implements PipelineScheduler {
    /** Time units one building block occupies on a device: F, B and W of two chunks. */
    static final int PERIOD = 6;

    /**
     * @param p      devices
     * @param device a device
     * @return its block offsets {F0, F1, B1, B0}
     */
    abstract int[] offsets(int p, int device);

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
        int[][] ops = new int[p][];
        for (int d = 0; d < p; d++) {
            ops[d] = device(offsets(p, d), m);
        }
        return PipelineSchedulers.checkMemory(new Schedule(name(), m, 2, ChunkLayout.V_SHAPE, ops), costs);
    }

    /** One device's order: F and B at their block times, W passes in the free units after their B. */
    private static int[] device(int[] off, int m) {
        OpKind[] kinds = {OpKind.F, OpKind.F, OpKind.B, OpKind.B};
        int[] chunkOf = {0, 1, 1, 0};
        List<long[]> timed = new ArrayList<>(4 * m);
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < 4; k++) {
                timed.add(new long[] {off[k] + (long) PERIOD * j, k, j});
            }
        }
        timed.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < timed.size(); i++) {
            if (timed.get(i)[0] == timed.get(i - 1)[0]) {
                throw new IllegalStateException("building blocks collide at time " + timed.get(i)[0]);
            }
        }
        int[] out = new int[6 * m];
        int n = 0;
        ArrayDeque<int[]> pending = new ArrayDeque<>();
        long prev = -1;
        for (long[] t : timed) {
            // the units between two block operations are free: deferred W passes go there
            for (long free = prev + 1; free < t[0] && !pending.isEmpty(); free++) {
                int[] w = pending.remove();
                out[n++] = Op.encode(OpKind.W, w[0], w[1]);
            }
            int k = (int) t[1];
            int mb = (int) t[2];
            out[n++] = Op.encode(kinds[k], chunkOf[k], mb);
            if (kinds[k] == OpKind.B) {
                pending.add(new int[] {chunkOf[k], mb});
            }
            prev = t[0];
        }
        while (!pending.isEmpty()) {
            int[] w = pending.remove();
            out[n++] = Op.encode(OpKind.W, w[0], w[1]);
        }
        return Arrays.copyOf(out, n);
    }
}
