package org.dml4j.planner.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A cluster: node groups in rank order. GPU ranks are numbered group after group, node after node; a plan lays its
 * parallel dimensions over the ranks in Megatron-LM's order (tensor fastest, then data, then pipeline), so a
 * pipeline stage occupies a contiguous block of ranks and, when groups of different GPU types follow each other,
 * different stages can run on different GPU types (heterogeneous pipelines, as in AMP and Metis).
 *
 * <pre>
 * Narayanan et al., SC 2021 (rank layout); Li et al., "AMP", NeurIPS 2022; Um et al., "Metis", USENIX ATC 2024.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name   a label for reports
 * @param groups the node groups, at least one
 */
public record ClusterSpec(String name, List<NodeGroup> groups) {
    /** Validates. */
    public ClusterSpec {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("node-groups must have at least one group");
        }
    }

    /**
     * @param name  label
     * @param group the only node group
     * @return a homogeneous cluster
     */
    public static ClusterSpec of(String name, NodeGroup group) {
        return new ClusterSpec(name, List.of(group));
    }

    /**
     * @return total GPUs
     */
    public int gpus() {
        int n = 0;
        for (NodeGroup g : groups) {
            n += g.gpus();
        }
        return n;
    }

    /**
     * @return total nodes
     */
    public int nodes() {
        int n = 0;
        for (NodeGroup g : groups) {
            n += g.nodes();
        }
        return n;
    }

    /**
     * @return the greatest common divisor of the groups' GPUs per node (tensor-parallel groups stay in a node)
     */
    public int gpusPerNodeGcd() {
        int g = 0;
        for (NodeGroup n : groups) {
            g = gcd(g, n.gpusPerNode());
        }
        return g;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * @return whether more than one GPU type is present
     */
    public boolean heterogeneous() {
        for (NodeGroup g : groups) {
            if (!g.gpu().equals(groups.get(0).gpu())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param rank a GPU rank in {@code [0, gpus())}
     * @return the index of its node group
     */
    public int groupOf(int rank) {
        Objects.checkIndex(rank, gpus());
        int start = 0;
        for (int i = 0; i < groups.size(); i++) {
            start += groups.get(i).gpus();
            if (rank < start) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * @param first first rank of a block
     * @param count ranks in the block
     * @return the indices of the node groups the block touches, in order
     */
    public List<Integer> groupsOf(int first, int count) {
        List<Integer> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < groups.size(); i++) {
            int end = start + groups.get(i).gpus();
            if (first < end && first + count > start) {
                out.add(i);
            }
            start = end;
        }
        return out;
    }

    /**
     * @param factor multiply every group's node count by this
     * @return the scaled cluster (used to say how many GPUs would make an infeasible model fit)
     */
    public ClusterSpec scaled(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("factor must be >= 1, got " + factor);
        }
        List<NodeGroup> g = new ArrayList<>();
        for (NodeGroup n : groups) {
            g.add(n.withNodes(n.nodes() * factor));
        }
        return new ClusterSpec(name + " x" + factor, g);
    }

    /**
     * @return a one-line description, e.g. "64 x 8 a100-80gb"
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (NodeGroup g : groups) {
            if (sb.length() > 0) {
                sb.append(" + ");
            }
            sb.append(g.nodes()).append(" x ").append(g.gpusPerNode()).append(' ').append(g.gpu().name());
        }
        return sb.toString();
    }
}
