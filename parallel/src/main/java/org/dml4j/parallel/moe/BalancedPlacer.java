package org.dml4j.parallel.moe;

import java.util.ArrayList;
import java.util.List;

/**
 * Our placement: minimise the most loaded GPU's tokens, then the tokens crossing nodes.
 *
 * <ol>
 *   <li>Replica counts as in EPLB (spare slots to the expert with the most tokens per replica), packed heaviest first
 *       (the greedy baseline); the round-robin layout with the same replicas in its spare slots is a second
 *       start.</li>
 *   <li>Local search on each start: move or swap one replica between the most loaded GPU and another while the
 *       pair's larger load drops.</li>
 *   <li>Token shares: instead of an even split, each replicated expert's tokens are divided among its replicas to
 *       minimise the maximum GPU load exactly (binary search over max-flow feasibility).</li>
 *   <li>Node awareness (only when source GPUs are known): permuting whole GPU contents keeps every load, and the
 *       permutation that keeps the most tokens inside their source node is found with the Hungarian method; then
 *       replicas are moved or swapped across nodes, with their shares, while cross-node tokens drop and no GPU
 *       exceeds the maximum load.</li>
 * </ol>
 * The plain baselines (with the same share optimisation) are candidates too, so the result's max/mean load is never
 * above round-robin's or the greedy baseline's.
 *
 * <pre>
 * Builds on EPLB (DeepSeek-AI, 2025) and "Lazarus"/"SmartMoE"-style replica placement; Kuhn, 1955 (assignment);
 * Dinic, 1970 (max-flow).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class BalancedPlacer implements ExpertPlacer {
    /** Creates the placer (stateless). */
    public BalancedPlacer() {
    }

    @Override
    public String name() {
        return "balanced";
    }

    @Override
    public ExpertPlacement place(PlacementProblem problem) {
        int[] counts = Packing.apportion(problem);
        List<int[][]> starts = new ArrayList<>();
        int[][] greedy = Packing.packLpt(problem, counts);
        int[][] roundRobin = Packing.roundRobinWithReplicas(problem, counts);
        int[][] plainRoundRobin = new RoundRobinPlacer().place(problem).hostsRef();
        starts.add(Packing.improve(problem, Packing.copy(greedy)));
        starts.add(Packing.improve(problem, Packing.copy(roundRobin)));
        starts.add(greedy);
        starts.add(plainRoundRobin);
        ExpertPlacement best = null;
        double bestMax = Double.POSITIVE_INFINITY;
        double bestCross = Double.POSITIVE_INFINITY;
        double[] load = problem.loads();
        for (int[][] hosts : starts) {
            double[][] shares = ShareBalancer.balance(load, hosts, problem.gpus());
            ExpertPlacement candidate = new ExpertPlacement(name(), problem.gpus(), hosts, shares);
            candidate = Packing.reduceCrossNode(problem, Packing.nodeAware(problem, candidate));
            double max = candidate.maxLoad();
            double cross = Packing.crossNodeTokens(problem, candidate);
            double tol = best == null ? 0 : 1e-9 * Math.max(1, bestMax);
            if (best == null || max < bestMax - tol || (max <= bestMax + tol && cross < bestCross - 1e-9 * Math.max(1, bestCross))) {
                best = candidate;
                bestMax = max;
                bestCross = cross;
            }
        }
        return best;
    }
}
