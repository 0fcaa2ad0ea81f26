package org.dml4j.planner.cost;

import java.util.List;
import org.dml4j.planner.cluster.ClusterSpec;
import org.dml4j.planner.cluster.NodeGroup;
import org.dml4j.planner.model.Precision;

/**
 * The hardware one pipeline stage runs on: when its block of ranks spans node groups of different GPU types, the
 * slowest GPU, the smallest memory and the slowest links set the pace (every rank of a stage does the same work).
 *
 * @param gpuName     GPU type name (names joined with '+' when mixed)
 * @param flops       achievable FLOP/s ({@code peak * efficiency * stack compute factor}) at the model's precision
 * @param peak        peak FLOP/s at the model's precision
 * @param hbm         memory bandwidth, bytes/s
 * @param memory      device memory, bytes
 * @param intraBw     intra-node bandwidth per GPU
 * @param intraLat    intra-node latency
 * @param interBw     inter-node bandwidth per GPU
 * @param interLat    inter-node latency
 * @param gpusPerNode GPUs per node (the smallest)
 * @param gemmHalfIntensity arithmetic intensity (FLOP per operand byte) at which a matrix multiplication reaches half
 *                    of {@code flops} (the largest of the groups'; {@link org.dml4j.planner.cluster.GpuType})
 */
record StageHardware(String gpuName, double flops, double peak, double hbm, double memory, double intraBw,
                     double intraLat, double interBw, double interLat, int gpusPerNode, double gemmHalfIntensity) {

    static StageHardware of(ClusterSpec cluster, Precision precision, double computeFactor, int firstRank,
                            int ranks) {
        List<Integer> groups = cluster.groupsOf(firstRank, ranks);
        StringBuilder name = new StringBuilder();
        double flops = Double.POSITIVE_INFINITY;
        double peak = Double.POSITIVE_INFINITY;
        double hbm = Double.POSITIVE_INFINITY;
        double mem = Double.POSITIVE_INFINITY;
        double intraBw = Double.POSITIVE_INFINITY;
        double intraLat = 0;
        double interBw = Double.POSITIVE_INFINITY;
        double interLat = 0;
        int gpn = Integer.MAX_VALUE;
        double half = 0;
        for (int gi : groups) {
            NodeGroup g = cluster.groups().get(gi);
            if (name.indexOf(g.gpu().name()) < 0) {
                name.append(name.length() == 0 ? "" : "+").append(g.gpu().name());
            }
            flops = Math.min(flops, g.gpu().achievable(precision) * computeFactor);
            peak = Math.min(peak, g.gpu().peak(precision));
            hbm = Math.min(hbm, g.gpu().hbmBytesPerS());
            mem = Math.min(mem, g.gpu().memoryBytes());
            intraBw = Math.min(intraBw, g.intraBandwidth());
            intraLat = Math.max(intraLat, g.intraLatency());
            interBw = Math.min(interBw, g.interBandwidth());
            interLat = Math.max(interLat, g.interLatency());
            gpn = Math.min(gpn, g.gpusPerNode());
            half = Math.max(half, g.gpu().gemmHalfIntensity(precision));
        }
        return new StageHardware(name.toString(), flops, peak, hbm, mem, intraBw, intraLat, interBw, interLat, gpn,
                half);
    }

    /**
     * Fraction of {@link #flops} an {@code M x K} by {@code K x N} matrix multiplication sustains (see
     * {@link org.dml4j.planner.cluster.GpuType}): {@code I / (I + gemmHalfIntensity)}.
     *
     * @param m rows
     * @param k inner dimension
     * @param n columns
     * @param elementBytes bytes per operand element
     * @return the fraction, in (0, 1]
     */
    double gemmFraction(double m, double k, double n, double elementBytes) {
        if (gemmHalfIntensity <= 0) {
            return 1;
        }
        double intensity = 2 * m * k * n / (elementBytes * (m * k + k * n + m * n));
        return intensity / (intensity + gemmHalfIntensity);
    }

    /**
     * Bus bandwidth and latency of a group of {@code k} ranks spaced {@code stride} ranks apart (rank order: tensor
     * fastest), assuming blocks aligned to nodes.
     *
     * @param k      group size
     * @param stride rank distance between members
     * @return {bandwidth, latency}
     */
    double[] groupLink(int k, int stride) {
        int perNode = stride >= gpusPerNode ? 1 : Math.min(k, gpusPerNode / stride);
        if (perNode >= k && (long) k * stride <= gpusPerNode) {
            return new double[] {intraBw, intraLat};
        }
        return new double[] {Math.min(intraBw, perNode * interBw), interLat};
    }

    /**
     * @param k group size
     * @param stride rank distance
     * @return members of the group inside one node
     */
    int membersPerNode(int k, int stride) {
        return stride >= gpusPerNode ? 1 : Math.min(k, gpusPerNode / stride);
    }
}
