package org.dml4j.fl.gossip;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Combo's segmented gossip: the rules of one worker's iteration after its local update (spec §4.3).
 *
 * <pre>
 * C. Hu, J. Jiang, Z. Wang. Decentralized Federated Learning: A Segmented Gossip Approach. FML'19 (IJCAI 2019
 * workshop), arXiv:1908.07782.
 * </pre>
 *
 * <ul>
 *   <li>The flattened model is split into {@code S} contiguous, non-overlapping segments of equal length (the first
 *       {@code dim mod S} one element longer; the authors' code uses {@code floor(dim/S) + 1}, which leaves the last
 *       segment short: same idea, different boundaries).</li>
 *   <li>{@link #choosePeers}: for each segment {@code l} and replica {@code r} a target peer, uniformly at random over
 *       the other workers without replacement across all {@code S·R} requests until the pool is exhausted (then the
 *       pool is refilled), so with {@code S·R ≤ n − 1} every request goes to a distinct worker; the {@code R} targets
 *       of one segment are always distinct (the paper's per-segment sets {@code P_l}).</li>
 *   <li>{@link #replacement}: when a target is unreachable, the requester marks it offline and re-sends the request to
 *       another worker that is neither offline nor already serving that segment.</li>
 *   <li>{@link #aggregate}: {@code W̃[l] = Σ_{j ∈ {i} ∪ P_l} |D_j| W_j[l] / Σ_{j ∈ {i} ∪ P_l} |D_j|} for each
 *       segment (the paper's per-segment normalisation; the released code normalises over all segments at once).
 *       With {@code R = n − 1} every segment averages every worker: FedAvg's weighted average.</li>
 * </ul>
 * A newcomer has no model of its own: it aggregates the pulled segments without itself ({@code own = null}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param workers  n, &gt;= 2
 * @param segments S, in [1, dim]
 * @param replicas R, in [1, n − 1]
 * @param dim      model length
 */
public record SegmentedGossip(int workers, int segments, int replicas, int dim) {
    /** Validates; messages name the key and the value. */
    public SegmentedGossip {
        if (workers < 2) {
            throw new IllegalArgumentException("segmented gossip needs at least 2 workers, got " + workers);
        }
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        if (segments < 1 || segments > dim) {
            throw new IllegalArgumentException("segments (S) must be in [1, " + dim + "], got " + segments);
        }
        if (replicas < 1 || replicas > workers - 1) {
            throw new IllegalArgumentException("replicas (R) must be in [1, " + (workers - 1) + "] for " + workers
                    + " workers, got " + replicas);
        }
    }

    /**
     * @param l a segment
     * @return its first element
     */
    public int from(int l) {
        return (int) ((long) l * dim / segments);
    }

    /**
     * @param l a segment
     * @return one past its last element
     */
    public int to(int l) {
        return (int) ((long) (l + 1) * dim / segments);
    }

    /**
     * @param l a segment
     * @return its length
     */
    public int length(int l) {
        return to(l) - from(l);
    }

    /**
     * @param self    the requester
     * @param offline peers known to be unreachable (never chosen), or null
     * @param rng     the requester's draws for this iteration
     * @return {@code [l][r]}: the peer asked for replica r of segment l
     * @throws IllegalArgumentException when fewer than R peers are reachable
     */
    public int[][] choosePeers(int self, boolean[] offline, SplittableRandom rng) {
        List<Integer> others = reachable(self, offline);
        if (others.size() < replicas) {
            throw new IllegalArgumentException("worker " + self + " reaches " + others.size() + " peers, fewer than R = "
                    + replicas);
        }
        int[][] t = new int[segments][replicas];
        List<Integer> pool = new ArrayList<>(others);
        for (int l = 0; l < segments; l++) {
            for (int r = 0; r < replicas; r++) {
                int pick = drawNotIn(pool, t[l], r, rng);
                if (pick < 0) { // the pool holds only peers this segment already has: refill it
                    pool = new ArrayList<>(others);
                    pick = drawNotIn(pool, t[l], r, rng);
                }
                t[l][r] = pick;
            }
        }
        return t;
    }

    private static int drawNotIn(List<Integer> pool, int[] chosen, int count, SplittableRandom rng) {
        List<Integer> ok = new ArrayList<>();
        for (int k = 0; k < pool.size(); k++) {
            if (!contains(chosen, count, pool.get(k))) {
                ok.add(k);
            }
        }
        if (ok.isEmpty()) {
            return -1;
        }
        int k = ok.get(rng.nextInt(ok.size()));
        return pool.remove(k);
    }

    private static boolean contains(int[] a, int count, int v) {
        for (int i = 0; i < count; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    private List<Integer> reachable(int self, boolean[] offline) {
        List<Integer> others = new ArrayList<>(workers - 1);
        for (int j = 0; j < workers; j++) {
            if (j != self && (offline == null || !offline[j])) {
                others.add(j);
            }
        }
        return others;
    }

    /**
     * The re-request after a target turned out unreachable (the caller has marked it in {@code offline}).
     *
     * @param self    the requester
     * @param serving the peers already serving this segment (the unreachable one included)
     * @param offline peers known to be unreachable
     * @param rng     the requester's draws
     * @return another peer, neither offline nor serving, or -1 when none is left
     */
    public int replacement(int self, int[] serving, boolean[] offline, SplittableRandom rng) {
        List<Integer> ok = new ArrayList<>();
        for (int j : reachable(self, offline)) {
            if (!contains(serving, serving.length, j)) {
                ok.add(j);
            }
        }
        return ok.isEmpty() ? -1 : ok.get(rng.nextInt(ok.size()));
    }

    /**
     * Segment-wise, data-size-weighted aggregation.
     *
     * @param own        the requester's freshly trained model, or null for a newcomer
     * @param ownSamples its data size
     * @param peers      {@code [l][r]}: who served replica r of segment l
     * @param pulled     {@code [l][r]}: that replica's segment values (length {@link #length(int) length(l)})
     * @param samples    every worker's data size, by id
     * @return the aggregated model (a new array)
     */
    public float[] aggregate(float[] own, int ownSamples, int[][] peers, float[][][] pulled, int[] samples) {
        if (own != null && own.length != dim) {
            throw new IllegalArgumentException("own model length must be " + dim + ", got " + own.length);
        }
        float[] out = new float[dim];
        for (int l = 0; l < segments; l++) {
            int a = from(l);
            int len = length(l);
            double total = own == null ? 0 : ownSamples;
            for (int r = 0; r < peers[l].length; r++) {
                total += samples[peers[l][r]];
            }
            if (!(total > 0)) {
                throw new IllegalArgumentException("segment " + l + ": the workers that hold it have no data");
            }
            double[] acc = new double[len];
            if (own != null) {
                for (int e = 0; e < len; e++) {
                    acc[e] = ownSamples * (double) own[a + e];
                }
            }
            for (int r = 0; r < peers[l].length; r++) {
                float[] seg = pulled[l][r];
                if (seg.length != len) {
                    throw new IllegalArgumentException("segment " + l + " replica " + r + " has " + seg.length
                            + " values, expected " + len);
                }
                double w = samples[peers[l][r]];
                for (int e = 0; e < len; e++) {
                    acc[e] += w * seg[e];
                }
            }
            for (int e = 0; e < len; e++) {
                out[a + e] = (float) (acc[e] / total);
            }
        }
        return out;
    }

    /**
     * @param model a full model
     * @param l     a segment
     * @return a copy of its values in that segment (what a pull answers)
     */
    public float[] segment(float[] model, int l) {
        return java.util.Arrays.copyOfRange(model, from(l), to(l));
    }
}
