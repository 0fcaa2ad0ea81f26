package org.dml4j.parallel.moe;

import java.util.Arrays;

/**
 * EPLB's hierarchical policy, for group-limited routing (DeepSeek-V3 sends each token to experts of a few groups,
 * one node each): experts form {@code K} contiguous groups; (1) whole groups are packed onto nodes, {@code K / N}
 * groups per node, heaviest group first onto the least-loaded node with room; (2) inside each node the node's spare
 * slots go to its experts one replica at a time (always the expert with the most tokens per replica), so replicas
 * never leave their group's node; (3) the node's replicas are packed onto its GPUs heaviest first. Tokens split
 * evenly across an expert's replicas (EPLB's routing assumption). With one node it is the global policy
 * ({@code greedy}).
 *
 * <p>Reconstructed from {@code rebalance_experts_hierarchical} in deepseek-ai/EPLB ({@code eplb.py}) and the
 * DeepSeek-V3 technical report (arXiv:2412.19437, section 3.4); the steps reuse this package's apportioning and
 * longest-processing-time packing.
 *
 * <p>Immutable and thread-safe.
 */
public final class HierarchicalPlacer implements ExpertPlacer {
    private final int groups;

    /** One expert group per node (the default for the registry). */
    public HierarchicalPlacer() {
        this(0);
    }

    /**
     * @param groups expert groups {@code K}, a multiple of the node count dividing the experts; 0 for one per node
     */
    public HierarchicalPlacer(int groups) {
        if (groups < 0) {
            throw new IllegalArgumentException("groups must be >= 0 (0: one per node), got " + groups);
        }
        this.groups = groups;
    }

    @Override
    public String name() {
        return "eplb-hierarchical";
    }

    @Override
    public ExpertPlacement place(PlacementProblem problem) {
        int e = problem.experts();
        int gpn = problem.gpusPerNode();
        int nodes = problem.gpus() / gpn;
        int k = groups == 0 ? nodes : groups;
        if (k % nodes != 0 || e % k != 0) {
            throw new IllegalArgumentException("eplb-hierarchical: groups (" + k + ") must be a multiple of the nodes ("
                    + nodes + ") and divide the experts (" + e + ")");
        }
        int perGroup = e / k;
        int groupsPerNode = k / nodes;
        int perNodeExperts = perGroup * groupsPerNode;
        if (perNodeExperts > gpn * problem.slotsPerGpu()) {
            throw new IllegalArgumentException("eplb-hierarchical: a node holds " + perNodeExperts + " experts but has "
                    + gpn * problem.slotsPerGpu() + " slots (" + gpn + " GPUs x " + problem.slotsPerGpu() + ")");
        }
        // (1) groups onto nodes, heaviest first, equal counts
        double[] groupLoad = new double[k];
        for (int x = 0; x < e; x++) {
            groupLoad[x / perGroup] += problem.load(x);
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(groupLoad[b], groupLoad[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[][] nodeGroups = new int[nodes][groupsPerNode];
        int[] filled = new int[nodes];
        double[] nodeLoad = new double[nodes];
        for (int gi : order) {
            int best = -1;
            for (int n = 0; n < nodes; n++) {
                if (filled[n] < groupsPerNode && (best < 0 || nodeLoad[n] < nodeLoad[best])) {
                    best = n;
                }
            }
            nodeGroups[best][filled[best]++] = gi;
            nodeLoad[best] += groupLoad[gi];
        }
        // (2) and (3) inside each node
        int[][] hosts = new int[e][];
        for (int n = 0; n < nodes; n++) {
            int[] experts = new int[perNodeExperts];
            double[] load = new double[perNodeExperts];
            int c = 0;
            for (int gi : nodeGroups[n]) {
                for (int j = 0; j < perGroup; j++) {
                    experts[c] = gi * perGroup + j;
                    load[c] = problem.load(experts[c]);
                    c++;
                }
            }
            PlacementProblem local = PlacementProblem.of(load, gpn, problem.slotsPerGpu())
                    .withMaxReplicas(Math.min(problem.maxReplicas(), gpn));
            int[][] localHosts = Packing.packLpt(local, Packing.apportion(local));
            for (int i = 0; i < perNodeExperts; i++) {
                int[] h = localHosts[i].clone();
                for (int r = 0; r < h.length; r++) {
                    h[r] += n * gpn;
                }
                hosts[experts[i]] = h;
            }
        }
        return new ExpertPlacement(name(), problem.gpus(), hosts, ShareBalancer.evenShares(problem.loads(), hosts));
    }
}
