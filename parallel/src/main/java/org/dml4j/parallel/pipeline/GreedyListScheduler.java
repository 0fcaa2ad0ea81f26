package org.dml4j.parallel.pipeline;

import java.util.Arrays;

/**
 * Event-driven list scheduling with split backward passes, the construction behind ZB-H1, ZB-H2, ZB-V and the
 * adaptive schedule. Whenever a device is free it runs, in this order of preference: a ready B (the critical path
 * between stages), a ready F if admission allows it, or a pending W (which only fills what would be a bubble).
 *
 * <p>Admission: the first chunk's F of a micro-batch admits the micro-batch to the device and reserves memory for
 * all its chunks there. A micro-batch is admitted only while fewer than {@code admitCap[d]} admitted micro-batches
 * still wait for their last B on the device, and while the reserved activation units stay within
 * {@code memCap[d]} (units: one chunk's activation of one micro-batch). Reserving for every chunk up front means a
 * later chunk's F never waits for memory, so the construction cannot deadlock.
 *
 * <pre>
 * Qi, Wan, Huang, Lin, "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024, sections 2-3 (handcrafted ZB-H1/H2
 * and the greedy heuristic), and the ZB-V schedule of the arXiv version.
 * </pre>
 *
 * <p>Not thread-safe; one build per instance.
 */
final class GreedyListScheduler {
    private final int p;
    private final int v;
    private final int m;
    private final int stages;
    private final ChunkLayout layout;
    private final double[] durF;
    private final double[] durB;
    private final double[] durW;
    private final double[] comm;
    private final double phi;

    GreedyListScheduler(StageCosts costs, int m, int v, ChunkLayout layout) {
        this.p = costs.stages();
        this.v = v;
        this.m = m;
        this.stages = p * v;
        this.layout = layout;
        Engine e = new Engine(p, v, m, layout, costs);
        this.durF = e.durF;
        this.durB = e.durB;
        this.durW = e.durW;
        this.comm = e.comm;
        this.phi = costs.weightMemoryFraction();
    }

    /** The result of one build: the order and its makespan. */
    record Built(Schedule schedule, double makespan) {
    }

    /**
     * @param name     schedule name
     * @param admitCap per device, most admitted micro-batches not yet fully backward-passed (at least 1)
     * @param memCap   per device, most reserved activation units (at least {@code v})
     * @return the schedule and its makespan
     */
    Built build(String name, int[] admitCap, double[] memCap) {
        double[] finF = new double[stages * m];
        double[] finB = new double[stages * m];
        Arrays.fill(finF, Double.NaN);
        Arrays.fill(finB, Double.NaN);
        int[] nextF = new int[stages];
        int[] nextB = new int[stages];
        int[][] out = new int[p][];
        int[] outLen = new int[p];
        int perDevice = 3 * v * m;
        for (int d = 0; d < p; d++) {
            out[d] = new int[perDevice];
        }
        // per device W FIFO (codes)
        int[][] wq = new int[p][v * m];
        int[] wHead = new int[p];
        int[] wTail = new int[p];
        double[] free = new double[p];
        int[] admitted = new int[p];       // admitted micro-batches whose lowest chunk's B is not done
        double[] reserved = new double[p]; // reserved activation units
        int[] lowChunk = new int[p];       // chunk with the smallest virtual stage: 0 in every layout
        int[] lastChunk = new int[p];      // chunk whose B completes a micro-batch on the device: also 0
        EventQueue events = new EventQueue();
        for (int d = 0; d < p; d++) {
            events.add(0.0, d);
        }
        int remaining = 3 * stages * m;
        double makespan = 0;
        while (!events.isEmpty()) {
            double t = events.peekTime();
            int d = events.peekDevice();
            events.poll();
            if (t < free[d]) {
                continue; // stale: the device is busy until a later event
            }
            // 1. a ready B
            int bestK = -1;
            int bestMb = Integer.MAX_VALUE;
            double nextWake = Double.POSITIVE_INFINITY;
            for (int c = v - 1; c >= 0; c--) {
                int k = layout.virtualStage(d, c, p);
                int j = nextB[k];
                if (j >= m) {
                    continue;
                }
                double r = readyB(finF, finB, k, j);
                if (r != r) {
                    continue;
                }
                if (r <= t) {
                    if (j < bestMb) {
                        bestMb = j;
                        bestK = k;
                    }
                } else {
                    nextWake = Math.min(nextWake, r);
                }
            }
            int kind;
            int chosenK;
            int chosenMb;
            if (bestK >= 0) {
                kind = 1;
                chosenK = bestK;
                chosenMb = bestMb;
            } else {
                // 2. an admissible ready F, deepest chunk first
                int fK = -1;
                int fMb = -1;
                for (int c = v - 1; c >= 0; c--) {
                    int k = layout.virtualStage(d, c, p);
                    int j = nextF[k];
                    if (j >= m) {
                        continue;
                    }
                    double r = k == 0 ? 0.0 : finF[(k - 1) * m + j];
                    if (r != r) {
                        continue;
                    }
                    if (k > 0) {
                        r += comm[k - 1];
                    }
                    if (c == lowChunk[d] && (admitted[d] >= admitCap[d] || reserved[d] + v > memCap[d] + 1e-9)) {
                        continue; // not admissible now; a local B or W will change that
                    }
                    if (r <= t) {
                        fK = k;
                        fMb = j;
                        break;
                    }
                    nextWake = Math.min(nextWake, r);
                }
                if (fK >= 0) {
                    kind = 0;
                    chosenK = fK;
                    chosenMb = fMb;
                } else if (wHead[d] < wTail[d]) {
                    kind = 2;
                    int code = wq[d][wHead[d]++];
                    chosenK = layout.virtualStage(d, Op.chunkOf(code), p);
                    chosenMb = Op.microbatchOf(code);
                } else {
                    if (nextWake < Double.POSITIVE_INFINITY) {
                        events.add(nextWake, d);
                    }
                    continue;
                }
            }
            int c = layout.chunk(chosenK, p);
            double end;
            if (kind == 0) {
                end = t + durF[chosenK];
                finF[chosenK * m + chosenMb] = end;
                nextF[chosenK]++;
                if (c == lowChunk[d]) {
                    admitted[d]++;
                    reserved[d] += v;
                }
                out[d][outLen[d]++] = Op.encode(OpKind.F, c, chosenMb);
                // wake the next virtual stage's device
                if (chosenK + 1 < stages) {
                    wake(events, layout.device(chosenK + 1, p), end + comm[chosenK], free);
                }
            } else if (kind == 1) {
                end = t + durB[chosenK];
                finB[chosenK * m + chosenMb] = end;
                nextB[chosenK]++;
                reserved[d] -= 1 - phi;
                if (c == lastChunk[d]) {
                    admitted[d]--;
                }
                out[d][outLen[d]++] = Op.encode(OpKind.B, c, chosenMb);
                wq[d][wTail[d]++] = Op.encode(OpKind.W, c, chosenMb);
                if (chosenK > 0) {
                    wake(events, layout.device(chosenK - 1, p), end + comm[chosenK - 1], free);
                }
            } else {
                end = t + durW[chosenK];
                reserved[d] -= phi;
                out[d][outLen[d]++] = Op.encode(OpKind.W, c, chosenMb);
            }
            free[d] = end;
            makespan = Math.max(makespan, end);
            remaining--;
            events.add(end, d);
        }
        if (remaining != 0) {
            throw new IllegalStateException("greedy construction of " + name + " stalled with " + remaining
                    + " operations left (admission caps too small)");
        }
        return new Built(new Schedule(name, m, v, layout, out), makespan);
    }

    private static void wake(EventQueue events, int device, double at, double[] free) {
        events.add(Math.max(at, free[device]), device);
    }

    private double readyB(double[] finF, double[] finB, int k, int j) {
        double f = finF[k * m + j];
        if (f != f) {
            return Double.NaN;
        }
        if (k + 1 < stages) {
            double b = finB[(k + 1) * m + j];
            if (b != b) {
                return Double.NaN;
            }
            return Math.max(f, b + comm[k]);
        }
        return f;
    }
}
