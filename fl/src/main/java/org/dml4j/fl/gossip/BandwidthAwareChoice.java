package org.dml4j.fl.gossip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BACombo's ε-greedy choice of the peers one worker pulls its segments from (spec §4.4; reconstructed from the
 * authors' code and abstract, the paper's text was not read).
 *
 * <pre>
 * J. Jiang, L. Hu, C. Hu, J. Liu, Z. Wang. BACombo—Bandwidth-Aware Decentralized Federated Learning. Electronics
 * (2020). Code: github.com/ginger0106/BACombo, leaf/models/client.py.
 * </pre>
 *
 * Each round draw {@code u ~ U[0,1)}: when {@code u < ε} explore (R random distinct peers per segment, as in the
 * code); otherwise exploit (the R peers with the highest predicted bandwidth for every segment, the lower id on a
 * tie). The prediction for a peer is the mean of its last 5 measured {@code bytes / seconds}, 10 (in the caller's
 * unit) before any measurement. Measurements come from every transfer, explored or not.
 *
 * <p>One instance per worker; not thread-safe.
 */
public final class BandwidthAwareChoice {
    /** Measurements averaged per peer. */
    public static final int WINDOW = 5;
    /** Prediction before any measurement. */
    public static final double INITIAL = 10;
    private final SegmentedGossip plan;
    private final double epsilon;
    private final List<ArrayDeque<Double>> history;

    /**
     * @param plan    S, R and the workers
     * @param epsilon exploration probability in [0, 1] (the code's default 0.5)
     */
    public BandwidthAwareChoice(SegmentedGossip plan, double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        this.plan = plan;
        this.epsilon = epsilon;
        history = new ArrayList<>(plan.workers());
        for (int j = 0; j < plan.workers(); j++) {
            history.add(new ArrayDeque<>(WINDOW));
        }
    }

    /**
     * @param peer  the peer a transfer came from
     * @param rate  its measured bandwidth (e.g. bytes per second)
     */
    public void record(int peer, double rate) {
        if (!(rate > 0) || rate == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("a measured rate must be finite and > 0, got " + rate);
        }
        ArrayDeque<Double> h = history.get(peer);
        if (h.size() == WINDOW) {
            h.removeFirst();
        }
        h.addLast(rate);
    }

    /**
     * @param peer a peer
     * @return its predicted bandwidth
     */
    public double predicted(int peer) {
        ArrayDeque<Double> h = history.get(peer);
        return h.isEmpty() ? INITIAL : h.stream().mapToDouble(Double::doubleValue).average().orElse(INITIAL);
    }

    /**
     * @param self    the requester
     * @param offline unreachable peers, or null
     * @param rng     this round's draws (the ε coin first)
     * @return {@code [l][r]}: the peer for replica r of segment l
     */
    public int[][] choose(int self, boolean[] offline, SplittableRandom rng) {
        boolean explore = rng.nextDouble() < epsilon;
        List<Integer> others = new ArrayList<>();
        for (int j = 0; j < plan.workers(); j++) {
            if (j != self && (offline == null || !offline[j])) {
                others.add(j);
            }
        }
        int r = plan.replicas();
        if (others.size() < r) {
            throw new IllegalArgumentException("worker " + self + " reaches " + others.size() + " peers, fewer than R = "
                    + r);
        }
        int[][] t = new int[plan.segments()][r];
        if (!explore) {
            List<Integer> best = new ArrayList<>(others);
            best.sort(Comparator.comparingDouble((Integer j) -> -predicted(j)).thenComparingInt(j -> j));
            for (int[] row : t) {
                for (int k = 0; k < r; k++) {
                    row[k] = best.get(k);
                }
            }
            return t;
        }
        for (int[] row : t) {
            List<Integer> pool = new ArrayList<>(others);
            for (int k = 0; k < r; k++) {
                row[k] = pool.remove(rng.nextInt(pool.size()));
            }
        }
        return t;
    }
}
