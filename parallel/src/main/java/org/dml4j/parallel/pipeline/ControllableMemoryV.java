package org.dml4j.parallel.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The V-shape schedules with controllable memory of Qi, Wan, Huang, Lin ("Pipeline Parallelism with Controllable
 * Memory", NeurIPS 2024): one building block per micro-batch, repeated every 6 time units, fixes when device
 * {@code i} runs F of chunk 0, F of chunk 1, B of chunk 1 and B of chunk 0 (units where one chunk's F, B or W
 * takes 1); the block's lifespan sets the activation memory, {@code (p+4)//3} micro-batches for V-Min (a third of
 * 1F1B's) and {@code (p+2)//2} for V-Half (half), counting an activation from its F to its W.
 *
 * <p>Block offsets for device {@code i} of {@code p} (the paper's Figures 4 and 5):
 * <ul>
 *   <li>V-Min: F0 = {@code i}, F1 = {@code 2p - i - 1}, B1 = {@code 2p + g + i}, B0 = {@code 4p + g - i - 1}, with
 *       {@code g = 2} when 3 divides {@code p}, else 0 (to keep the four offsets apart modulo 6);</li>
 *   <li>V-Half: F0 = {@code 2i}, F1 = {@code 3p - i - 2}, B1 = {@code 3p + g + 2i - 1},
 *       B0 = {@code 6p + g - i - 2}, with {@code g = 3} when {@code p} is even, else 0.</li>
 * </ul>
 * The repeated blocks leave idle units in the warm-up and cool-down, which the schedule then removes (the paper's
 * "squeezing" and "reordering"): W passes go into free units first in first out; every warm-up and cool-down
 * operation moves, in time order, to the earliest free unit its inputs allow that does not raise the largest
 * per-device peak memory (first with the W passes placed, then once more for the cool-down without them), the
 * devices are squeezed on unit costs, and the W passes are placed again, chunk 1's before chunk 0's. The stable
 * phase keeps the blocks' order. Reconstructed from the paper and from the description of this procedure in
 * sail-sg/zero-bubble-pipeline-parallelism ({@code megatron/core/pipeline_parallel/zerobubble/scheduler/
 * zbv_greedy.py}, commit 39f2c186a27580b7051eb51e0f651e1efd0a8170); on unit costs it gives that implementation's
 * bubbles (see {@code PublishedSchedulesTest}). The order depends only on {@code p} and {@code m}, not on the costs.
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
        int[][][] t = new int[p][][];
        for (int d = 0; d < p; d++) {
            int[] off = offsets(p, d);
            t[d] = new int[4][m];
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < m; j++) {
                    t[d][k][j] = off[k] + PERIOD * j;
                }
            }
            checkNoCollision(t[d]);
        }
        // warm-up and cool-down moved earlier with W passes placed, then again without them (the stable phase stays)
        int[][][] withW = reorder(withW(t, false), true, m);
        int[][][] r = reorder(firstFour(withW), false, m);
        int[][][] fin = withW(firstFour(r), true);
        int[][] ops = new int[p][];
        for (int d = 0; d < p; d++) {
            ops[d] = order(fin[d]);
        }
        return PipelineSchedulers.checkMemory(new Schedule(name(), m, 2, ChunkLayout.V_SHAPE, ops), costs);
    }

    // Operation types of one device, in the block's order: F of chunk 0, F of chunk 1, B of chunk 1, B of chunk 0,
    // then W passes: one list of all W (in B order) or, split, W of chunk 1 and W of chunk 0.
    private static final OpKind[] KINDS = {OpKind.F, OpKind.F, OpKind.B, OpKind.B, OpKind.W, OpKind.W};
    private static final int[] CHUNK = {0, 1, 1, 0, 1, 0};

    private static void checkNoCollision(int[][] lists) {
        BitSet used = new BitSet();
        for (int[] l : lists) {
            for (int x : l) {
                if (used.get(x)) {
                    throw new IllegalStateException("building blocks collide at time " + x);
                }
                used.set(x);
            }
        }
    }

    private static int[][][] firstFour(int[][][] t) {
        int[][][] out = new int[t.length][][];
        for (int d = 0; d < t.length; d++) {
            out[d] = Arrays.copyOf(t[d], 4);
        }
        return out;
    }

    private static int last(int[][] lists) {
        int max = -1;
        for (int[] l : lists) {
            if (l.length > 0) {
                max = Math.max(max, l[l.length - 1]);
            }
        }
        return max;
    }

    /** The type whose next pending operation comes first (lowest time, then lowest type), or -1 when none is left. */
    private static int head(int[][] lists, int[] next) {
        int best = -1;
        for (int k = 0; k < lists.length; k++) {
            if (next[k] < lists[k].length && (best < 0 || lists[k][next[k]] < lists[best][next[best]])) {
                best = k;
            }
        }
        return best;
    }

    /**
     * W passes into the free units of each device's F/B times, first in first out, the rest after the last one.
     *
     * @param t     per device, the four F/B time lists
     * @param split one W list per chunk (chunk 1's first), or a single list
     * @return per device the four lists and the W list(s)
     */
    private static int[][][] withW(int[][][] t, boolean split) {
        int[][][] out = new int[t.length][][];
        for (int d = 0; d < t.length; d++) {
            int[][] l = t[d];
            int queues = split ? 2 : 1;
            int[][] w = new int[queues][l[2].length + l[3].length];
            int[] filled = new int[queues];
            int[] pending = new int[queues];
            int[] next = new int[4];
            int bound = last(l);
            int i = 0;
            for (; i <= bound; i++) {
                int k = head(l, next);
                if (l[k][next[k]] == i) {
                    next[k]++;
                    if (k >= 2) {
                        pending[split ? k - 2 : 0]++;
                    }
                } else {
                    for (int q = 0; q < queues; q++) {
                        if (pending[q] > 0) {
                            w[q][filled[q]++] = i;
                            pending[q]--;
                            break;
                        }
                    }
                }
            }
            i--;
            for (int q = 0; q < queues; q++) {
                while (pending[q] > 0) {
                    w[q][filled[q]++] = ++i;
                    pending[q]--;
                }
            }
            out[d] = new int[4 + queues][];
            System.arraycopy(l, 0, out[d], 0, 4);
            for (int q = 0; q < queues; q++) {
                out[d][4 + q] = Arrays.copyOf(w[q], filled[q]);
            }
        }
        return out;
    }

    /**
     * Peak activations of one device in chunk units: F allocates, W frees (an explicit W list), or, without one, a
     * pending W runs in each free unit.
     */
    private static int memory(int[][] l) {
        boolean hasW = l.length > 4;
        int[] next = new int[l.length];
        int bound = last(l);
        int cur = 0;
        int peak = 0;
        int pendingW = 0;
        for (int i = 0; i <= bound; i++) {
            int k = head(l, next);
            if (l[k][next[k]] == i) {
                next[k]++;
                cur += k < 2 ? 1 : k >= 4 ? -1 : 0;
                if (k == 2 || k == 3) {
                    pendingW++;
                }
            } else if (!hasW && pendingW > 0) {
                cur--;
                pendingW--;
            }
            peak = Math.max(peak, cur);
        }
        return peak;
    }

    /**
     * Moves each warm-up and cool-down operation to the earliest free unit its inputs allow that does not raise the
     * peak memory, then squeezes every device on unit costs.
     *
     * @param t        per device the time lists (four, or four and one W list when {@code considerW})
     * @param considerW whether the W passes are placed (and moved) too; without them only the cool-down moves
     * @param m        micro-batches
     * @return the squeezed start times, with a W list when {@code considerW} or placed after the move
     */
    private static int[][][] reorder(int[][][] t, boolean considerW, int m) {
        int p = t.length;
        int types = t[0].length;
        int current = 0;
        for (int[][] l : t) {
            current = Math.max(current, memory(l));
        }
        BitSet[] occupied = new BitSet[p];
        int[][] next = new int[p][types];
        int total = 0;
        for (int d = 0; d < p; d++) {
            occupied[d] = new BitSet();
            for (int[] l : t[d]) {
                total += d == 0 ? l.length : 0;
            }
        }
        total *= p;
        int phase = 0;
        for (int n = 0; n < total; n++) {
            long dk = nextOp(t, next);
            int bd = (int) (dk >> 32);
            int bk = (int) dk;
            int j = next[bd][bk]++;
            int at = t[bd][bk][j];
            if (bk == 3 && bd == 0 && phase == 0) {
                phase = 1;
            }
            if (phase == 1 || (phase == 0 && !considerW)) {
                if (phase == 1 && bk == 0 && j == m - 1) {
                    phase = 2;
                }
                occupied[bd].set(at);
                continue;
            }
            int deps = -1;
            if ((bk == 0 || bk == 2) && bd > 0) {
                deps = Math.max(deps, t[bd - 1][bk][j]);
            }
            if ((bk == 1 || bk == 3) && bd + 1 < p) {
                deps = Math.max(deps, t[bd + 1][bk][j]);
            }
            if (bk > 0 && bk < 4) {
                deps = Math.max(deps, t[bd][bk - 1][j]);
            }
            if (bk == 4) {
                int[] bs = new int[t[bd][2].length + t[bd][3].length];
                System.arraycopy(t[bd][2], 0, bs, 0, t[bd][2].length);
                System.arraycopy(t[bd][3], 0, bs, t[bd][2].length, t[bd][3].length);
                Arrays.sort(bs);
                deps = Math.max(deps, bs[j]);
            }
            if (j > 0) {
                deps = Math.max(deps, t[bd][bk][j - 1]);
            }
            deps++;
            boolean moved = false;
            for (int u = deps; u < at; u++) {
                if (!occupied[bd].get(u)) {
                    t[bd][bk][j] = u;
                    if (memory(t[bd]) <= current) {
                        moved = true;
                        break;
                    }
                }
            }
            if (!moved) {
                t[bd][bk][j] = at;
            }
            occupied[bd].set(t[bd][bk][j]);
        }
        int[][][] placed = considerW ? t : withW(t, false);
        return squeeze(placed);
    }

    /** The next operation over all devices (lowest time, then device, then type), as {@code device << 32 | type}. */
    private static long nextOp(int[][][] t, int[][] next) {
        int bd = -1;
        int bk = -1;
        for (int d = 0; d < t.length; d++) {
            int k = head(t[d], next[d]);
            if (k >= 0 && (bd < 0 || t[d][k][next[d][k]] < t[bd][bk][next[bd][bk]])) {
                bd = d;
                bk = k;
            }
        }
        return ((long) bd << 32) | bk;
    }

    /** Start times when every operation takes one unit, runs as soon as its inputs are ready, in time order. */
    private static int[][][] squeeze(int[][][] t) {
        int p = t.length;
        int types = t[0].length;
        int[][][] end = new int[p][types][];
        int[][][] start = new int[p][types][];
        for (int d = 0; d < p; d++) {
            for (int k = 0; k < types; k++) {
                end[d][k] = new int[t[d][k].length];
                Arrays.fill(end[d][k], -1);
                start[d][k] = new int[t[d][k].length];
            }
        }
        int[][] next = new int[p][types];
        int[] free = new int[p];
        int total = 0;
        for (int d = 0; d < p; d++) {
            for (int[] l : t[d]) {
                total += l.length;
            }
        }
        for (int n = 0; n < total; n++) {
            long dk = nextOp(t, next);
            int bd = (int) (dk >> 32);
            int bk = (int) dk;
            int j = next[bd][bk]++;
            int ready = free[bd];
            if ((bk == 0 || bk == 2) && bd > 0) {
                ready = Math.max(ready, need(end[bd - 1][bk][j]));
            }
            if ((bk == 1 || bk == 3) && bd + 1 < p) {
                ready = Math.max(ready, need(end[bd + 1][bk][j]));
            }
            if (bk > 0 && bk < 4) {
                ready = Math.max(ready, need(end[bd][bk - 1][j]));
            }
            if (j > 0) {
                ready = Math.max(ready, need(end[bd][bk][j - 1]));
            }
            start[bd][bk][j] = ready;
            end[bd][bk][j] = ready + 1;
            free[bd] = ready + 1;
        }
        return start;
    }

    private static int need(int end) {
        if (end < 0) {
            throw new IllegalStateException("an operation is timed before its input");
        }
        return end;
    }

    /** One device's operations in the order of their times. */
    private static int[] order(int[][] lists) {
        List<long[]> timed = new ArrayList<>();
        for (int k = 0; k < lists.length; k++) {
            for (int j = 0; j < lists[k].length; j++) {
                timed.add(new long[] {lists[k][j], k, j});
            }
        }
        timed.sort((a, b) -> Long.compare(a[0], b[0]));
        int[] out = new int[timed.size()];
        for (int i = 0; i < out.length; i++) {
            long[] x = timed.get(i);
            int k = (int) x[1];
            out[i] = Op.encode(KINDS[k], CHUNK[k], (int) x[2]);
        }
        return out;
    }
}
