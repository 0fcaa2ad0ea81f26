package org.dml4j.parallel.pipeline;

import java.util.Arrays;

/**
 * The discrete-event core shared by the validator and the simulator: runs each device's list in order, starting
 * an operation when the device is free and its inputs have arrived. Linear in the number of operations: a device
 * blocked on a missing input registers itself on that input and is woken when it is produced.
 *
 * <p>Not thread-safe; one run per instance.
 */
final class Engine {
    static final int SLOT_F = 0;
    static final int SLOT_B = 1;
    static final int SLOT_W = 2;

    final int p;
    final int v;
    final int m;
    final int stages;
    final ChunkLayout layout;
    final double[] durF;
    final double[] durB;
    final double[] durW;
    final double[] comm;

    /** Finish time per operation index ({@link #index}); NaN until the operation has run. */
    double[] finish;
    /** Binding predecessor index per operation (-1: none). */
    int[] pred;
    /** Communication time on the edge from the binding predecessor. */
    double[] predComm;
    double[][] startAt;
    double[][] finishAt;
    int[] blockedAt;
    int[] blockedOn;

    Engine(int p, int v, int m, ChunkLayout layout, StageCosts costs) {
        this.p = p;
        this.v = v;
        this.m = m;
        this.stages = p * v;
        this.layout = layout;
        this.durF = new double[stages];
        this.durB = new double[stages];
        this.durW = new double[stages];
        this.comm = new double[stages];
        for (int k = 0; k < stages; k++) {
            int d = layout.device(k, p);
            double scale = v * costs.deviceSpeed(d);
            durF[k] = costs.forward(d) / scale;
            durB[k] = costs.backward(d) / scale;
            durW[k] = costs.weight(d) / scale;
            comm[k] = k + 1 < stages && layout.device(k + 1, p) != d ? costs.p2pTime() : 0.0;
        }
    }

    int index(int slot, int stage, int mb) {
        return (stage * m + mb) * 3 + slot;
    }

    /**
     * Runs the schedule.
     *
     * @param s      the schedule (structure already checked: ops in range, each present once)
     * @param record whether to keep per-op start/finish times and binding predecessors
     * @return true when every operation ran; false on a dependency deadlock ({@link #blockedAt} says where)
     */
    boolean run(Schedule s, boolean record) {
        int n = 3 * stages * m;
        finish = new double[n];
        Arrays.fill(finish, Double.NaN);
        int[] waiterA = new int[n];
        int[] waiterB = new int[n];
        Arrays.fill(waiterA, -1);
        Arrays.fill(waiterB, -1);
        if (record) {
            pred = new int[n];
            predComm = new double[n];
            startAt = new double[p][];
            finishAt = new double[p][];
            for (int d = 0; d < p; d++) {
                startAt[d] = new double[s.size(d)];
                finishAt[d] = new double[s.size(d)];
            }
        }
        int[] pos = new int[p];
        double[] free = new double[p];
        int[] last = new int[p];
        Arrays.fill(last, -1);
        int[] stack = new int[p];
        boolean[] queued = new boolean[p];
        int top = 0;
        for (int d = p - 1; d >= 0; d--) {
            stack[top++] = d;
            queued[d] = true;
        }
        while (top > 0) {
            int d = stack[--top];
            queued[d] = false;
            int[] codes = s.codes(d);
            while (pos[d] < codes.length) {
                int code = codes[pos[d]];
                int kind = Op.kindOrdinal(code);
                int mb = Op.microbatchOf(code);
                int k = layout.virtualStage(d, Op.chunkOf(code), p);
                double ready = free[d];
                int bind = last[d];
                double bindComm = 0;
                int missing = -1;
                double dur;
                int slot;
                if (kind == 0) { // F
                    slot = SLOT_F;
                    dur = durF[k];
                    if (k > 0) {
                        int dep = index(SLOT_F, k - 1, mb);
                        double f = finish[dep];
                        if (f != f) {
                            missing = dep;
                        } else if (f + comm[k - 1] >= ready) {
                            ready = f + comm[k - 1];
                            bind = dep;
                            bindComm = comm[k - 1];
                        }
                    }
                } else if (kind == 2) { // W
                    slot = SLOT_W;
                    dur = durW[k];
                    int dep = index(SLOT_B, k, mb);
                    double f = finish[dep];
                    if (f != f) {
                        missing = dep;
                    } else if (f >= ready) {
                        ready = f;
                        bind = dep;
                    }
                } else { // B or BW
                    slot = SLOT_B;
                    dur = kind == 1 ? durB[k] : durB[k] + durW[k];
                    int dep = index(SLOT_F, k, mb);
                    double f = finish[dep];
                    if (f != f) {
                        missing = dep;
                    } else {
                        if (f >= ready) {
                            ready = f;
                            bind = dep;
                        }
                        if (k + 1 < stages) {
                            int dep2 = index(SLOT_B, k + 1, mb);
                            double f2 = finish[dep2];
                            if (f2 != f2) {
                                missing = dep2;
                            } else if (f2 + comm[k] >= ready) {
                                ready = f2 + comm[k];
                                bind = dep2;
                                bindComm = comm[k];
                            }
                        }
                    }
                }
                if (missing >= 0) {
                    if (waiterA[missing] < 0) {
                        waiterA[missing] = d;
                    } else {
                        waiterB[missing] = d;
                    }
                    break;
                }
                int idx = index(slot, k, mb);
                double end = ready + dur;
                finish[idx] = end;
                if (record) {
                    startAt[d][pos[d]] = ready;
                    finishAt[d][pos[d]] = end;
                    pred[idx] = bind;
                    predComm[idx] = bind == last[d] ? 0 : bindComm;
                }
                last[d] = idx;
                free[d] = end;
                pos[d]++;
                int w = waiterA[idx];
                if (w >= 0) {
                    waiterA[idx] = -1;
                    if (!queued[w]) {
                        queued[w] = true;
                        stack[top++] = w;
                    }
                }
                w = waiterB[idx];
                if (w >= 0) {
                    waiterB[idx] = -1;
                    if (!queued[w]) {
                        queued[w] = true;
                        stack[top++] = w;
                    }
                }
            }
        }
        boolean done = true;
        blockedAt = new int[p];
        blockedOn = new int[p];
        Arrays.fill(blockedOn, -1);
        for (int d = 0; d < p; d++) {
            blockedAt[d] = pos[d];
            if (pos[d] < s.size(d)) {
                done = false;
            }
        }
        if (!done) {
            for (int i = 0; i < n; i++) {
                if (waiterA[i] >= 0) {
                    blockedOn[waiterA[i]] = i;
                }
                if (waiterB[i] >= 0) {
                    blockedOn[waiterB[i]] = i;
                }
            }
        }
        return done;
    }

    String describe(int idx) {
        int slot = idx % 3;
        int rest = idx / 3;
        int mb = rest % m;
        int k = rest / m;
        String kind = slot == SLOT_F ? "F" : slot == SLOT_B ? "B" : "W";
        return kind + "#" + mb + " of virtual stage " + k + " (device " + layout.device(k, p) + ", chunk "
                + layout.chunk(k, p) + ")";
    }
}
