package org.dml4j.parallel.moe;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Building blocks shared by the placers: replica apportionment, heaviest-first packing, local search,
 * cross-node traffic and node-aware permutation.
 *
 * <p>Stateless and thread-safe.
 */
final class Packing {
    private Packing() {
    }

    /** Replica counts: spare slots go one by one to the expert with the most tokens per replica. */
    static int[] apportion(PlacementProblem p) {
        int e = p.experts();
        int[] counts = new int[e];
        Arrays.fill(counts, 1);
        int spare = p.gpus() * p.slotsPerGpu() - e;
        int cap = Math.min(p.maxReplicas(), p.gpus());
        PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(p.load(b) / counts[b], p.load(a) / counts[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int x = 0; x < e; x++) {
            if (p.load(x) > 0 && cap > 1) {
                heap.add(x);
            }
        }
        while (spare > 0 && !heap.isEmpty()) {
            int x = heap.poll();
            counts[x]++;
            spare--;
            if (counts[x] < cap) {
                heap.add(x);
            }
        }
        return counts;
    }

    /** Heaviest replica first onto the least-loaded GPU with a free slot that does not hold the expert yet. */
    static int[][] packLpt(PlacementProblem p, int[] counts) {
        int e = p.experts();
        int g = p.gpus();
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        int[] order = new int[total];
        int n = 0;
        for (int x = 0; x < e; x++) {
            for (int r = 0; r < counts[x]; r++) {
                order[n++] = x;
            }
        }
        Integer[] boxed = new Integer[total];
        for (int i = 0; i < total; i++) {
            boxed[i] = i;
        }
        final int[] ord = order;
        Arrays.sort(boxed, (a, b) -> {
            int c = Double.compare(p.load(ord[b]) / counts[ord[b]], p.load(ord[a]) / counts[ord[a]]);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(ord[a], ord[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        double[] gpuLoad = new double[g];
        int[] used = new int[g];
        boolean[][] holds = new boolean[e][g];
        int[][] hosts = new int[e][];
        int[] placed = new int[e];
        for (int x = 0; x < e; x++) {
            hosts[x] = new int[counts[x]];
        }
        for (Integer idx : boxed) {
            int x = order[idx];
            int best = -1;
            for (int k = 0; k < g; k++) {
                if (used[k] < p.slotsPerGpu() && !holds[x][k] && (best < 0 || gpuLoad[k] < gpuLoad[best])) {
                    best = k;
                }
            }
            if (best < 0) {
                continue; // only GPUs already holding this expert have room: drop the extra replica
            }
            hosts[x][placed[x]++] = best;
            holds[x][best] = true;
            used[best]++;
            gpuLoad[best] += p.load(x) / counts[x];
        }
        for (int x = 0; x < e; x++) {
            if (placed[x] < hosts[x].length) {
                hosts[x] = Arrays.copyOf(hosts[x], placed[x]);
            }
            Arrays.sort(hosts[x]);
        }
        return hosts;
    }

    /** Round-robin primaries, then the extra replicas heaviest first into the spare slots. */
    static int[][] roundRobinWithReplicas(PlacementProblem p, int[] counts) {
        int e = p.experts();
        int g = p.gpus();
        int[] used = new int[g];
        double[] gpuLoad = new double[g];
        boolean[][] holds = new boolean[e][g];
        int[][] hosts = new int[e][];
        int[] placed = new int[e];
        for (int x = 0; x < e; x++) {
            hosts[x] = new int[counts[x]];
            int k = x % g;
            hosts[x][placed[x]++] = k;
            holds[x][k] = true;
            used[k]++;
            gpuLoad[k] += p.load(x) / counts[x];
        }
        Integer[] experts = new Integer[e];
        for (int x = 0; x < e; x++) {
            experts[x] = x;
        }
        Arrays.sort(experts, (a, b) -> {
            int c = Double.compare(p.load(b) / counts[b], p.load(a) / counts[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (Integer x : experts) {
            while (placed[x] < counts[x]) {
                int best = -1;
                for (int k = 0; k < g; k++) {
                    if (used[k] < p.slotsPerGpu() && !holds[x][k] && (best < 0 || gpuLoad[k] < gpuLoad[best])) {
                        best = k;
                    }
                }
                if (best < 0) {
                    break;
                }
                hosts[x][placed[x]++] = best;
                holds[x][best] = true;
                used[best]++;
                gpuLoad[best] += p.load(x) / counts[x];
            }
            if (placed[x] < hosts[x].length) {
                hosts[x] = Arrays.copyOf(hosts[x], placed[x]);
            }
        }
        for (int[] h : hosts) {
            Arrays.sort(h);
        }
        return hosts;
    }

    static int[][] copy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /**
     * Local search with even shares: move or swap one replica between the most loaded GPU and another GPU while the
     * larger of the two loads drops. Modifies and returns {@code hosts}.
     */
    static int[][] improve(PlacementProblem p, int[][] hosts) {
        int e = p.experts();
        int g = p.gpus();
        double[] per = new double[e];
        for (int x = 0; x < e; x++) {
            per[x] = p.load(x) / hosts[x].length;
        }
        double[] gpuLoad = new double[g];
        int[] used = new int[g];
        boolean[][] holds = new boolean[e][g];
        for (int x = 0; x < e; x++) {
            for (int k : hosts[x]) {
                gpuLoad[k] += per[x];
                used[k]++;
                holds[x][k] = true;
            }
        }
        int maxSteps = 4 * e * Math.max(1, p.slotsPerGpu()) + 16;
        for (int step = 0; step < maxSteps; step++) {
            int top = 0;
            for (int k = 1; k < g; k++) {
                if (gpuLoad[k] > gpuLoad[top]) {
                    top = k;
                }
            }
            double current = gpuLoad[top];
            double bestGain = 1e-12 * Math.max(1, current);
            int bestX = -1;
            int bestY = -1;
            int bestTo = -1;
            for (int x = 0; x < e; x++) {
                if (!holds[x][top]) {
                    continue;
                }
                for (int k = 0; k < g; k++) {
                    if (k == top || holds[x][k]) {
                        continue;
                    }
                    if (used[k] < p.slotsPerGpu()) {
                        double worst = Math.max(current - per[x], gpuLoad[k] + per[x]);
                        if (current - worst > bestGain) {
                            bestGain = current - worst;
                            bestX = x;
                            bestY = -1;
                            bestTo = k;
                        }
                    }
                    for (int y = 0; y < e; y++) {
                        if (!holds[y][k] || holds[y][top] || per[y] >= per[x]) {
                            continue;
                        }
                        double d = per[x] - per[y];
                        double worst = Math.max(current - d, gpuLoad[k] + d);
                        if (current - worst > bestGain) {
                            bestGain = current - worst;
                            bestX = x;
                            bestY = y;
                            bestTo = k;
                        }
                    }
                }
            }
            if (bestX < 0) {
                break;
            }
            moveReplica(hosts, bestX, top, bestTo);
            holds[bestX][top] = false;
            holds[bestX][bestTo] = true;
            gpuLoad[top] -= per[bestX];
            gpuLoad[bestTo] += per[bestX];
            if (bestY >= 0) {
                moveReplica(hosts, bestY, bestTo, top);
                holds[bestY][bestTo] = false;
                holds[bestY][top] = true;
                gpuLoad[bestTo] -= per[bestY];
                gpuLoad[top] += per[bestY];
            } else {
                used[top]--;
                used[bestTo]++;
            }
        }
        for (int[] h : hosts) {
            Arrays.sort(h);
        }
        return hosts;
    }

    private static void moveReplica(int[][] hosts, int expert, int from, int to) {
        for (int i = 0; i < hosts[expert].length; i++) {
            if (hosts[expert][i] == from) {
                hosts[expert][i] = to;
                return;
            }
        }
        throw new IllegalStateException("expert " + expert + " is not on GPU " + from);
    }

    /** Tokens that cross a node boundary (each dispatched token; the combine step sends as many back). */
    static double crossNodeTokens(PlacementProblem p, ExpertPlacement placement) {
        if (p.gpusPerNode() == p.gpus()) {
            return 0;
        }
        int[][] hosts = placement.hostsRef();
        double[][] shares = placement.sharesRef();
        int nodes = p.gpus() / p.gpusPerNode();
        double cross = 0;
        for (int e = 0; e < p.experts(); e++) {
            double load = p.load(e);
            if (load == 0) {
                continue;
            }
            double[] fromNode = new double[nodes];
            for (int s = 0; s < p.gpus(); s++) {
                fromNode[p.nodeOf(s)] += p.sourceTokens(e, s);
            }
            for (int i = 0; i < hosts[e].length; i++) {
                double frac = shares[e][i] / load;
                int node = p.nodeOf(hosts[e][i]);
                cross += frac * (load - fromNode[node]);
            }
        }
        return cross;
    }

    /**
     * Permutes whole GPU contents so that the most tokens stay inside their source node; loads are unchanged.
     * Only acts with several nodes and known sources.
     */
    static ExpertPlacement nodeAware(PlacementProblem p, ExpertPlacement placement) {
        if (!p.hasSources() || p.gpusPerNode() == p.gpus()) {
            return placement;
        }
        int g = p.gpus();
        int nodes = g / p.gpusPerNode();
        int[][] hosts = placement.hostsRef();
        double[][] shares = placement.sharesRef();
        // inbound[b][n] = tokens that bin b (current GPU b's contents) receives from node n
        double[][] inbound = new double[g][nodes];
        for (int e = 0; e < p.experts(); e++) {
            double load = p.load(e);
            if (load == 0) {
                continue;
            }
            double[] fromNode = new double[nodes];
            for (int s = 0; s < g; s++) {
                fromNode[p.nodeOf(s)] += p.sourceTokens(e, s);
            }
            for (int i = 0; i < hosts[e].length; i++) {
                double frac = shares[e][i] / load;
                for (int n = 0; n < nodes; n++) {
                    inbound[hosts[e][i]][n] += frac * fromNode[n];
                }
            }
        }
        double[][] cost = new double[g][g];
        for (int b = 0; b < g; b++) {
            double total = 0;
            for (double x : inbound[b]) {
                total += x;
            }
            for (int k = 0; k < g; k++) {
                cost[b][k] = total - inbound[b][p.nodeOf(k)];
            }
        }
        int[] target = Hungarian.solve(cost);
        int[][] moved = new int[hosts.length][];
        double[][] movedShares = new double[hosts.length][];
        for (int e = 0; e < hosts.length; e++) {
            moved[e] = new int[hosts[e].length];
            for (int i = 0; i < hosts[e].length; i++) {
                moved[e][i] = target[hosts[e][i]];
            }
            movedShares[e] = shares[e].clone();
        }
        ExpertPlacement candidate = new ExpertPlacement(placement.placer(), g, moved, movedShares);
        return crossNodeTokens(p, candidate) < crossNodeTokens(p, placement) ? candidate : placement;
    }

    /**
     * Moves or swaps replicas between nodes (keeping their token shares) while the tokens crossing nodes drop and
     * no GPU goes above the current maximum load. Only acts with several nodes and known sources.
     */
    static ExpertPlacement reduceCrossNode(PlacementProblem p, ExpertPlacement placement) {
        if (!p.hasSources() || p.gpusPerNode() == p.gpus()) {
            return placement;
        }
        int g = p.gpus();
        int e = p.experts();
        int nodes = g / p.gpusPerNode();
        int[][] hosts = copy(placement.hostsRef());
        double[][] shares = new double[e][];
        double[][] outside = new double[e][nodes]; // tokens of e NOT coming from node n, per token of e
        boolean[][] holds = new boolean[e][g];
        double[] load = new double[g];
        int[] used = new int[g];
        for (int x = 0; x < e; x++) {
            shares[x] = placement.sharesRef()[x].clone();
            double total = p.load(x);
            for (int n = 0; n < nodes; n++) {
                double from = 0;
                for (int k = n * p.gpusPerNode(); k < (n + 1) * p.gpusPerNode(); k++) {
                    from += p.sourceTokens(x, k);
                }
                outside[x][n] = total > 0 ? (total - from) / total : 0;
            }
            for (int i = 0; i < hosts[x].length; i++) {
                holds[x][hosts[x][i]] = true;
                load[hosts[x][i]] += shares[x][i];
                used[hosts[x][i]]++;
            }
        }
        double max = 0;
        for (double l : load) {
            max = Math.max(max, l);
        }
        double tol = 1e-12 * Math.max(1, max);
        boolean improved = true;
        for (int pass = 0; pass < 100 && improved; pass++) {
            improved = false;
            for (int x = 0; x < e; x++) {
                for (int i = 0; i < hosts[x].length; i++) {
                    int from = hosts[x][i];
                    double sx = shares[x][i];
                    double here = sx * outside[x][from / p.gpusPerNode()];
                    for (int h = 0; h < g; h++) {
                        if (h / p.gpusPerNode() == from / p.gpusPerNode() || holds[x][h]) {
                            continue;
                        }
                        double there = sx * outside[x][h / p.gpusPerNode()];
                        if (used[h] < p.slotsPerGpu() && there < here - tol && load[h] + sx <= max + tol) {
                            hosts[x][i] = h;
                            holds[x][from] = false;
                            holds[x][h] = true;
                            load[from] -= sx;
                            load[h] += sx;
                            used[from]--;
                            used[h]++;
                            improved = true;
                            break;
                        }
                        boolean swapped = false;
                        for (int y = 0; y < e && !swapped; y++) {
                            if (y == x || !holds[y][h] || holds[y][from]) {
                                continue;
                            }
                            int j = indexOf(hosts[y], h);
                            double sy = shares[y][j];
                            double before = here + sy * outside[y][h / p.gpusPerNode()];
                            double after = there + sy * outside[y][from / p.gpusPerNode()];
                            if (after < before - tol && load[from] - sx + sy <= max + tol
                                    && load[h] - sy + sx <= max + tol) {
                                hosts[x][i] = h;
                                hosts[y][j] = from;
                                holds[x][from] = false;
                                holds[x][h] = true;
                                holds[y][h] = false;
                                holds[y][from] = true;
                                load[from] += sy - sx;
                                load[h] += sx - sy;
                                swapped = true;
                            }
                        }
                        if (swapped) {
                            improved = true;
                            break;
                        }
                    }
                }
            }
        }
        return new ExpertPlacement(placement.placer(), g, hosts, shares);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        throw new IllegalStateException(v + " not found");
    }
}
