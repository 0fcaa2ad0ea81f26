package org.dml4j.parallel.moe;

/**
 * The network an expert-parallel group runs on: nodes of {@code gpusPerNode} GPUs, each GPU with an intra-node link
 * (NVLink/NVSwitch) and a share of the inter-node network (InfiniBand/RoCE NIC), with their bandwidths (bytes per
 * second, per GPU and direction) and latencies (seconds).
 *
 * @param gpusPerNode    GPUs per node, {@code >= 1}
 * @param intraBandwidth intra-node bandwidth per GPU, bytes/s, {@code > 0}
 * @param interBandwidth inter-node bandwidth per GPU, bytes/s, {@code > 0}
 * @param intraLatency   intra-node latency, seconds, {@code >= 0}
 * @param interLatency   inter-node latency, seconds, {@code >= 0}
 */
public record Topology(int gpusPerNode, double intraBandwidth, double interBandwidth, double intraLatency,
                       double interLatency) {
    /** Validates every field, naming the bad one. */
    public Topology {
        if (gpusPerNode < 1) {
            throw new IllegalArgumentException("gpusPerNode must be >= 1, got " + gpusPerNode);
        }
        positive("intraBandwidth", intraBandwidth);
        positive("interBandwidth", interBandwidth);
        if (!(intraLatency >= 0) || Double.isInfinite(intraLatency)) {
            throw new IllegalArgumentException("intraLatency must be a finite number >= 0, got " + intraLatency);
        }
        if (!(interLatency >= 0) || Double.isInfinite(interLatency)) {
            throw new IllegalArgumentException("interLatency must be a finite number >= 0, got " + interLatency);
        }
    }

    private static void positive(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + " must be a finite number > 0, got " + v);
        }
    }

    /**
     * A DGX-like node: 8 GPUs, NVLink about 150 GB/s per direction, one 200 Gb/s (25 GB/s) NIC per GPU, latencies
     * 3 and 10 microseconds (orders of magnitude from Megatron-LM's A100 clusters, spec section 2).
     *
     * @return the topology
     */
    public static Topology dgxA100() {
        return new Topology(8, 150e9, 25e9, 3e-6, 10e-6);
    }
}
