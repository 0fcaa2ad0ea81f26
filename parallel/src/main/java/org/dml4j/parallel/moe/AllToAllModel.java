package org.dml4j.parallel.moe;

import java.util.Objects;

/**
 * Estimates an expert-parallel all-to-all on a {@link Topology}. Every token goes from its source GPU to the
 * replica that processes it, split by the placement's shares; tokens already on the right GPU do not move. Each GPU
 * sends and receives at once over its intra-node link and its share of the inter-node network, both links work in
 * parallel, and the slowest GPU sets the time:
 * {@code max_g max(max(sendIntra, recvIntra) / intraBandwidth, max(sendInter, recvInter) / interBandwidth) +
 * latency}. Link contention inside the network and the router's own skew across sources are not modelled.
 *
 * <pre>
 * Lepikhin et al., "GShard", ICLR 2021; Rajbhandari et al., "DeepSpeed-MoE", ICML 2022; Hwang et al., "Tutel",
 * MLSys 2023 (all-to-all cost dominated by the most loaded rank).
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class AllToAllModel {
    private AllToAllModel() {
    }

    /**
     * @param placement     where the experts are and how tokens are split
     * @param problem       the tokens (and their sources) that the placement carries
     * @param topology      the network; its {@code gpusPerNode} must divide the GPU count
     * @param bytesPerToken bytes of one token's hidden state (hidden size x bytes per element)
     * @return the estimate for one all-to-all
     */
    public static AllToAllEstimate estimate(ExpertPlacement placement, PlacementProblem problem, Topology topology,
                                            double bytesPerToken) {
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(topology, "topology");
        if (!(bytesPerToken >= 0) || Double.isInfinite(bytesPerToken)) {
            throw new IllegalArgumentException("bytesPerToken must be a finite number >= 0, got " + bytesPerToken);
        }
        int g = problem.gpus();
        if (placement.gpus() != g || placement.experts() != problem.experts()) {
            throw new IllegalArgumentException("placement (" + placement.experts() + " experts on " + placement.gpus()
                    + " GPUs) does not match the problem (" + problem.experts() + " experts on " + g + " GPUs)");
        }
        if (g % topology.gpusPerNode() != 0) {
            throw new IllegalArgumentException("topology gpusPerNode (" + topology.gpusPerNode()
                    + ") must divide gpus (" + g + ")");
        }
        int perNode = topology.gpusPerNode();
        double[] sendIntra = new double[g];
        double[] sendInter = new double[g];
        double[] recvIntra = new double[g];
        double[] recvInter = new double[g];
        int[][] hosts = placement.hostsRef();
        double[][] shares = placement.sharesRef();
        double intra = 0;
        double inter = 0;
        for (int e = 0; e < problem.experts(); e++) {
            double load = 0;
            for (double x : shares[e]) {
                load += x;
            }
            double total = problem.load(e);
            if (load == 0 || total == 0) {
                continue;
            }
            for (int i = 0; i < hosts[e].length; i++) {
                int h = hosts[e][i];
                double frac = shares[e][i] / load;
                for (int s = 0; s < g; s++) {
                    if (s == h) {
                        continue;
                    }
                    double bytes = problem.sourceTokens(e, s) * frac * bytesPerToken;
                    if (bytes == 0) {
                        continue;
                    }
                    if (s / perNode == h / perNode) {
                        sendIntra[s] += bytes;
                        recvIntra[h] += bytes;
                        intra += bytes;
                    } else {
                        sendInter[s] += bytes;
                        recvInter[h] += bytes;
                        inter += bytes;
                    }
                }
            }
        }
        double worst = 0;
        int worstGpu = 0;
        for (int k = 0; k < g; k++) {
            double tIntra = Math.max(sendIntra[k], recvIntra[k]) / topology.intraBandwidth();
            double tInter = Math.max(sendInter[k], recvInter[k]) / topology.interBandwidth();
            double lat = (sendInter[k] + recvInter[k] > 0 ? topology.interLatency() : 0);
            lat = Math.max(lat, sendIntra[k] + recvIntra[k] > 0 ? topology.intraLatency() : 0);
            double t = Math.max(tIntra, tInter) + lat;
            if (t > worst) {
                worst = t;
                worstGpu = k;
            }
        }
        return new AllToAllEstimate(worst, intra, inter, worstGpu);
    }
}
