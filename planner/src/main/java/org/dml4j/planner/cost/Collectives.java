package org.dml4j.planner.cost;

/**
 * Time of the collectives the cost model uses, ring algorithms with a bandwidth and a per-hop latency term
 * (Thakur, Rabenseifner, Gropp, "Optimization of Collective Communication Operations in MPICH", IJHPCA 2005;
 * Patarasuk and Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations", JPDC 2009). Bandwidth
 * is per GPU and per direction; when a group spans nodes and has {@code g} members per node, NCCL runs {@code g}
 * rings side by side, one per network adapter, so the ring's bus bandwidth is {@code min(NVLink, g x NIC)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Collectives {
    private Collectives() {
    }

    /**
     * Ring all-reduce of {@code bytes} over {@code ranks}: {@code 2(k-1)/k * n / bw + 2(k-1) * latency}.
     *
     * @param bytes     bytes each rank contributes (and receives)
     * @param ranks     ranks {@code k}
     * @param bandwidth bus bandwidth in bytes per second
     * @param latency   seconds per hop
     * @return seconds (0 for one rank)
     */
    public static double allReduce(double bytes, int ranks, double bandwidth, double latency) {
        if (ranks <= 1 || bytes <= 0) {
            return 0;
        }
        double k = ranks;
        return 2 * (k - 1) / k * bytes / bandwidth + 2 * (k - 1) * latency;
    }

    /**
     * A tensor of {@code bytes} all-reduced as {@code messages} separate ring all-reduces (buckets or layers): the
     * bandwidth term once, the latency term once per message.
     *
     * @param bytes     total bytes
     * @param ranks     ranks
     * @param bandwidth bus bandwidth
     * @param latency   seconds per hop
     * @param messages  number of collectives the tensor is split into, at least 1
     * @return seconds
     */
    public static double allReduce(double bytes, int ranks, double bandwidth, double latency, double messages) {
        if (ranks <= 1 || bytes <= 0) {
            return 0;
        }
        double k = ranks;
        return 2 * (k - 1) / k * bytes / bandwidth + Math.max(1, messages) * 2 * (k - 1) * latency;
    }

    /**
     * Ring reduce-scatter (or all-gather) of a {@code bytes} tensor over {@code ranks}: half an all-reduce.
     *
     * @param bytes     bytes of the whole tensor
     * @param ranks     ranks
     * @param bandwidth bus bandwidth
     * @param latency   seconds per hop
     * @return seconds
     */
    public static double reduceScatter(double bytes, int ranks, double bandwidth, double latency) {
        return allReduce(bytes, ranks, bandwidth, latency) / 2;
    }

    /**
     * Ring all-gather where each of {@code ranks} ranks contributes a message of {@code bytesPerRank}:
     * {@code (k-1) * M / bw + (k-1) * latency}.
     *
     * @param bytesPerRank one rank's message
     * @param ranks        ranks
     * @param bandwidth    bus bandwidth
     * @param latency      seconds per hop
     * @return seconds
     */
    public static double allGather(double bytesPerRank, int ranks, double bandwidth, double latency) {
        if (ranks <= 1 || bytesPerRank <= 0) {
            return 0;
        }
        return (ranks - 1) * (bytesPerRank / bandwidth + latency);
    }

    /**
     * All-to-all where each rank sends {@code bytesPerRank} in total, split evenly over the {@code ranks} ranks of
     * its group, {@code ranksPerNode} of which share its node: the shares for peers in the node cross NVLink, the
     * others the rank's network adapter, both at once.
     *
     * @param bytesPerRank bytes one rank sends in all
     * @param ranks        group size
     * @param ranksPerNode members of the group in one node
     * @param intraBw      intra-node bandwidth per GPU
     * @param intraLat     intra-node latency
     * @param interBw      inter-node bandwidth per GPU
     * @param interLat     inter-node latency
     * @return seconds
     */
    public static double allToAll(double bytesPerRank, int ranks, int ranksPerNode, double intraBw, double intraLat,
                                  double interBw, double interLat) {
        if (ranks <= 1 || bytesPerRank <= 0) {
            return 0;
        }
        int local = Math.max(1, Math.min(ranks, ranksPerNode));
        double intra = bytesPerRank * (local - 1) / ranks / intraBw;
        double inter = bytesPerRank * (ranks - local) / ranks / interBw;
        double lat = (local - 1) * intraLat + (ranks - local) * interLat;
        return Math.max(intra, inter) + lat;
    }

    /**
     * One of {@code messages} equal ring all-gathers (or reduce-scatters) that together move a {@code bytes} tensor
     * over {@code ranks}, with bandwidth that depends on the per-rank chunk {@code c = bytes / (messages x ranks)}:
     * a ring step of {@code c} bytes reaches {@code bw x c / (c + halfBytes)} (the usual half-performance-length
     * model of Hockney, "The communication challenge for MPP", Parallel Computing 1994), plus {@code (k - 1)}
     * latencies per message. ZeRO-3/FSDP gathers one module at a time, so their chunks shrink as the data-parallel
     * group grows.
     *
     * @param bytes     total bytes of the tensor
     * @param ranks     ranks {@code k}
     * @param bandwidth bus bandwidth for large chunks
     * @param latency   seconds per ring step
     * @param messages  collectives the tensor is split into, at least 1
     * @param halfBytes chunk size at which half the bandwidth is reached, {@code >= 0}
     * @return seconds of all of them (0 for one rank)
     */
    public static double allGatherChunked(double bytes, int ranks, double bandwidth, double latency, double messages,
                                          double halfBytes) {
        if (ranks <= 1 || bytes <= 0) {
            return 0;
        }
        double k = ranks;
        double n = Math.max(1, messages);
        double chunk = bytes / (n * k);
        double eff = chunk / (chunk + halfBytes);
        return (k - 1) / k * bytes / (bandwidth * eff) + n * (k - 1) * latency;
    }
}
