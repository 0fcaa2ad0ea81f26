package org.dml4j.planner.cluster;

import java.util.Objects;

/**
 * Identical nodes of one GPU type and their links. Bandwidths are per GPU and per direction in bytes per second:
 * {@code intraBandwidth} inside a node (NVLink/NVSwitch), {@code interBandwidth} of the GPU's own network adapter
 * to other nodes (e.g. 200 Gb/s InfiniBand per GPU on a DGX A100 is 25e9). Latencies are per message hop, in
 * seconds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param gpu            the GPU type
 * @param nodes          number of nodes, at least 1
 * @param gpusPerNode    GPUs per node, at least 1
 * @param intraBandwidth bytes/s per GPU per direction inside a node
 * @param intraLatency   seconds per hop inside a node
 * @param interBandwidth bytes/s per GPU per direction between nodes
 * @param interLatency   seconds per hop between nodes
 */
public record NodeGroup(GpuType gpu, int nodes, int gpusPerNode, double intraBandwidth, double intraLatency,
                        double interBandwidth, double interLatency) {
    /** Validates, naming the field. */
    public NodeGroup {
        Objects.requireNonNull(gpu, "gpu");
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be >= 1, got " + nodes);
        }
        if (gpusPerNode < 1) {
            throw new IllegalArgumentException("gpus-per-node must be >= 1, got " + gpusPerNode);
        }
        positive("intra-node-gb-per-s", intraBandwidth);
        positive("inter-node-gb-per-s", interBandwidth);
        if (!(intraLatency >= 0) || Double.isInfinite(intraLatency)) {
            throw new IllegalArgumentException("intra-node-latency-us must be >= 0, got " + intraLatency);
        }
        if (!(interLatency >= 0) || Double.isInfinite(interLatency)) {
            throw new IllegalArgumentException("inter-node-latency-us must be >= 0, got " + interLatency);
        }
    }

    private static void positive(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + " must be a finite number > 0, got " + v);
        }
    }

    /**
     * @return {@code nodes * gpusPerNode}
     */
    public int gpus() {
        return nodes * gpusPerNode;
    }

    /**
     * @param n a new node count
     * @return a copy with it
     */
    public NodeGroup withNodes(int n) {
        return new NodeGroup(gpu, n, gpusPerNode, intraBandwidth, intraLatency, interBandwidth, interLatency);
    }
}
