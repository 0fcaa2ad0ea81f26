package org.dml4j.parallel.moe;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Splits each expert's tokens among the GPUs holding its replicas so that the most loaded GPU carries as little as
 * possible: a binary search on the maximum load {@code L}, each step a max-flow feasibility test (source to expert
 * with its tokens, expert to each GPU holding it, GPU to sink with capacity {@code L}). Exact up to the search
 * tolerance; the returned shares route every token.
 *
 * <pre>
 * Dinic, "Algorithm for solution of a problem of maximum flow in networks with power estimation", 1970;
 * splittable load balancing with eligibility constraints, e.g. Lenstra, Shmoys, Tardos, Math. Programming 1990.
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
final class ShareBalancer {
    private ShareBalancer() {
    }

    /**
     * @param load  tokens per expert
     * @param hosts {@code hosts[e]} = GPUs holding a replica of expert {@code e} (at least one each)
     * @param gpus  number of GPUs
     * @return {@code share[e][i]} = tokens of expert {@code e} sent to {@code hosts[e][i]}
     */
    static double[][] balance(double[] load, int[][] hosts, int gpus) {
        int e = load.length;
        double total = 0;
        double lo = 0;
        double[] fixed = new double[gpus];
        for (int x = 0; x < e; x++) {
            total += load[x];
            if (hosts[x].length == 1) {
                fixed[hosts[x][0]] += load[x];
            }
        }
        for (double f : fixed) {
            lo = Math.max(lo, f);
        }
        lo = Math.max(lo, total / gpus);
        // even split is feasible: its max is an upper bound
        double[] even = new double[gpus];
        for (int x = 0; x < e; x++) {
            for (int g : hosts[x]) {
                even[g] += load[x] / hosts[x].length;
            }
        }
        double hi = 0;
        for (double l : even) {
            hi = Math.max(hi, l);
        }
        double[][] best = evenShares(load, hosts);
        if (total == 0 || hi - lo <= 1e-12 * Math.max(1, hi)) {
            return best;
        }
        Flow flow = new Flow(load, hosts, gpus);
        double[][] atLo = flow.route(lo, total);
        if (atLo != null) {
            return better(atLo, best, hosts, gpus);
        }
        for (int iter = 0; iter < 60 && hi - lo > 1e-9 * Math.max(1, hi); iter++) {
            double mid = (lo + hi) / 2;
            double[][] s = flow.route(mid, total);
            if (s != null) {
                hi = mid;
                best = s;
            } else {
                lo = mid;
            }
        }
        return better(best, evenShares(load, hosts), hosts, gpus);
    }

    /** The share matrix whose most loaded GPU carries less (rounding in the flow must never lose to even). */
    private static double[][] better(double[][] a, double[][] b, int[][] hosts, int gpus) {
        return maxLoad(a, hosts, gpus) <= maxLoad(b, hosts, gpus) ? a : b;
    }

    static double maxLoad(double[][] shares, int[][] hosts, int gpus) {
        double[] l = new double[gpus];
        for (int x = 0; x < hosts.length; x++) {
            for (int i = 0; i < hosts[x].length; i++) {
                l[hosts[x][i]] += shares[x][i];
            }
        }
        double max = 0;
        for (double v : l) {
            max = Math.max(max, v);
        }
        return max;
    }

    static double[][] evenShares(double[] load, int[][] hosts) {
        double[][] s = new double[load.length][];
        for (int x = 0; x < load.length; x++) {
            s[x] = new double[hosts[x].length];
            Arrays.fill(s[x], load[x] / hosts[x].length);
        }
        return s;
    }

    /** Dinic's max-flow on the expert/GPU network; rebuilt capacities per call. Not thread-safe. */
    private static final class Flow {
        private final double[] load;
        private final int[][] hosts;
        private final int gpus;
        private final int nodes;
        private final int source;
        private final int sink;
        private int[] head;
        private int[] next;
        private int[] to;
        private double[] cap;
        private int edges;
        private int[] level;
        private int[] iter;

        Flow(double[] load, int[][] hosts, int gpus) {
            this.load = load;
            this.hosts = hosts;
            this.gpus = gpus;
            this.nodes = load.length + gpus + 2;
            this.source = load.length + gpus;
            this.sink = source + 1;
        }

        double[][] route(double limit, double total) {
            int m = 0;
            for (int[] h : hosts) {
                m += h.length;
            }
            m += load.length + gpus;
            head = new int[nodes];
            Arrays.fill(head, -1);
            next = new int[2 * m];
            to = new int[2 * m];
            cap = new double[2 * m];
            edges = 0;
            for (int x = 0; x < load.length; x++) {
                add(source, x, load[x]);
            }
            int[][] edgeOf = new int[load.length][];
            for (int x = 0; x < load.length; x++) {
                edgeOf[x] = new int[hosts[x].length];
                for (int i = 0; i < hosts[x].length; i++) {
                    edgeOf[x][i] = edges;
                    add(x, load.length + hosts[x][i], Double.POSITIVE_INFINITY);
                }
            }
            for (int g = 0; g < gpus; g++) {
                add(load.length + g, sink, limit);
            }
            double flow = 0;
            double eps = 1e-12 * Math.max(1, total);
            level = new int[nodes];
            iter = new int[nodes];
            while (bfs(eps)) {
                System.arraycopy(head, 0, iter, 0, nodes);
                double f;
                while ((f = dfs(source, Double.POSITIVE_INFINITY, eps)) > eps) {
                    flow += f;
                }
            }
            if (flow < total - 1e-9 * Math.max(1, total)) {
                return null;
            }
            double[][] share = new double[load.length][];
            for (int x = 0; x < load.length; x++) {
                share[x] = new double[hosts[x].length];
                double sum = 0;
                for (int i = 0; i < hosts[x].length; i++) {
                    share[x][i] = cap[edgeOf[x][i] ^ 1]; // flow = reverse residual
                    sum += share[x][i];
                }
                // put any rounding remainder on the least loaded host share so every token is routed
                if (hosts[x].length > 0 && Math.abs(sum - load[x]) > 0) {
                    share[x][0] += load[x] - sum;
                    if (share[x][0] < 0) {
                        share[x][0] = 0;
                    }
                }
            }
            return share;
        }

        private void add(int a, int b, double c) {
            to[edges] = b;
            cap[edges] = c;
            next[edges] = head[a];
            head[a] = edges++;
            to[edges] = a;
            cap[edges] = 0;
            next[edges] = head[b];
            head[b] = edges++;
        }

        private boolean bfs(double eps) {
            Arrays.fill(level, -1);
            ArrayDeque<Integer> q = new ArrayDeque<>();
            level[source] = 0;
            q.add(source);
            while (!q.isEmpty()) {
                int a = q.poll();
                for (int e = head[a]; e >= 0; e = next[e]) {
                    if (cap[e] > eps && level[to[e]] < 0) {
                        level[to[e]] = level[a] + 1;
                        q.add(to[e]);
                    }
                }
            }
            return level[sink] >= 0;
        }

        private double dfs(int a, double pushed, double eps) {
            if (a == sink) {
                return pushed;
            }
            for (; iter[a] >= 0; iter[a] = next[iter[a]]) {
                int e = iter[a];
                int b = to[e];
                if (cap[e] > eps && level[b] == level[a] + 1) {
                    double d = dfs(b, Math.min(pushed, cap[e]), eps);
                    if (d > eps) {
                        cap[e] -= d;
                        cap[e ^ 1] += d;
                        return d;
                    }
                }
            }
            return 0;
        }
    }
}
