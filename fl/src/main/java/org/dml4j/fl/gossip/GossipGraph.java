package org.dml4j.fl.gossip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * An undirected communication graph of {@code n} peers without self-loops, checked connected: gossip on a
 * disconnected graph never reaches consensus, so it is rejected before training starts.
 *
 * <p>Immutable and thread-safe.
 */
public final class GossipGraph {
    private final String kind;
    private final int[][] neighbours;

    private GossipGraph(String kind, List<TreeSet<Integer>> adj) {
        this.kind = kind;
        neighbours = new int[adj.size()][];
        for (int i = 0; i < neighbours.length; i++) {
            neighbours[i] = adj.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        int unreached = firstUnreachable();
        if (unreached >= 0) {
            throw new IllegalArgumentException("the gossip graph (" + kind + ") is disconnected: peer " + unreached
                    + " cannot be reached from peer 0");
        }
    }

    private static List<TreeSet<Integer>> empty(int n, String kind) {
        if (n < 2) {
            throw new IllegalArgumentException("a gossip graph (" + kind + ") needs at least 2 peers, got " + n);
        }
        List<TreeSet<Integer>> adj = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            adj.add(new TreeSet<>());
        }
        return adj;
    }

    private static void edge(List<TreeSet<Integer>> adj, int a, int b) {
        if (a != b) {
            adj.get(a).add(b);
            adj.get(b).add(a);
        }
    }

    /**
     * @param n peers, &gt;= 2
     * @return each peer linked to the next and the previous
     */
    public static GossipGraph ring(int n) {
        List<TreeSet<Integer>> adj = empty(n, "ring");
        for (int i = 0; i < n; i++) {
            edge(adj, i, (i + 1) % n);
        }
        return new GossipGraph("ring", adj);
    }

    /**
     * @param rows rows of the grid, &gt;= 1
     * @param cols columns, &gt;= 1, with {@code rows · cols >= 2}
     * @return a 2-D grid with wrap-around; peer {@code r · cols + c} at row r, column c
     */
    public static GossipGraph torus(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("torus rows and cols must be >= 1, got " + rows + " x " + cols);
        }
        List<TreeSet<Integer>> adj = empty(rows * cols, "torus");
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                edge(adj, i, r * cols + (c + 1) % cols);
                edge(adj, i, ((r + 1) % rows) * cols + c);
            }
        }
        return new GossipGraph("torus " + rows + "x" + cols, adj);
    }

    /**
     * @param n peers, &gt;= 2
     * @return every pair linked
     */
    public static GossipGraph complete(int n) {
        List<TreeSet<Integer>> adj = empty(n, "complete");
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                edge(adj, i, j);
            }
        }
        return new GossipGraph("complete", adj);
    }

    /**
     * @param n   peers, &gt;= 2
     * @param p   probability of each edge, in (0, 1]
     * @param rng the draws
     * @return G(n, p); rejected when disconnected
     */
    public static GossipGraph erdosRenyi(int n, double p, SplittableRandom rng) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("erdos-renyi p must be in (0, 1], got " + p);
        }
        List<TreeSet<Integer>> adj = empty(n, "erdos-renyi");
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (rng.nextDouble() < p) {
                    edge(adj, i, j);
                }
            }
        }
        return new GossipGraph("erdos-renyi n=" + n + " p=" + p, adj);
    }

    /**
     * A uniformly drawn simple {@code d}-regular graph by the configuration model: pair the {@code n · d} half-edges
     * at random and start again when a pairing has a loop or a double edge (expected tries {@code ≈ e^{(d²−1)/4}}).
     *
     * @param n   peers, &gt;= 2
     * @param d   degree, in [1, n), with {@code n · d} even
     * @param rng the draws
     * @return the graph; rejected when disconnected
     */
    public static GossipGraph randomRegular(int n, int d, SplittableRandom rng) {
        if (d < 1 || d >= n || (long) n * d % 2 != 0) {
            throw new IllegalArgumentException("random-regular degree must be in [1, " + (n - 1) + "] with n * degree"
                    + " even, got degree " + d + " for " + n + " peers");
        }
        int[] stubs = new int[n * d];
        for (int attempt = 0; attempt < 10_000; attempt++) {
            for (int i = 0; i < stubs.length; i++) {
                stubs[i] = i / d;
            }
            for (int i = stubs.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = stubs[i];
                stubs[i] = stubs[j];
                stubs[j] = t;
            }
            List<TreeSet<Integer>> adj = empty(n, "random-regular");
            boolean simple = true;
            for (int i = 0; i < stubs.length && simple; i += 2) {
                int a = stubs[i];
                int b = stubs[i + 1];
                simple = a != b && adj.get(a).add(b);
                adj.get(b).add(a);
            }
            if (simple) {
                return new GossipGraph("random-regular n=" + n + " d=" + d, adj);
            }
        }
        throw new IllegalArgumentException("no simple " + d + "-regular graph on " + n + " peers found in 10000 tries");
    }

    /** @return number of peers */
    public int size() {
        return neighbours.length;
    }

    /**
     * @param peer a peer
     * @return its neighbours, ascending (a copy)
     */
    public int[] neighbours(int peer) {
        return neighbours[peer].clone();
    }

    /**
     * @param peer a peer
     * @return its degree
     */
    public int degree(int peer) {
        return neighbours[peer].length;
    }

    /** @return what kind of graph, for messages */
    public String kind() {
        return kind;
    }

    private int firstUnreachable() {
        boolean[] seen = new boolean[neighbours.length];
        int[] stack = new int[neighbours.length];
        int top = 0;
        stack[top++] = 0;
        seen[0] = true;
        while (top > 0) {
            int v = stack[--top];
            for (int w : neighbours[v]) {
                if (!seen[w]) {
                    seen[w] = true;
                    stack[top++] = w;
                }
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return kind + " " + Arrays.deepToString(neighbours);
    }
}
