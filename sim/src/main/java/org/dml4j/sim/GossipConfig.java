package org.dml4j.sim;

import java.util.List;
import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.gossip.GossipGraph;
import org.dml4j.fl.gossip.MixingMatrix;

/**
 * The {@code [gossip]} table: decentralized training with peers and no coordinator ({@link GossipSimulation}).
 *
 * @param mode     {@code "dpsgd"} (mix with the graph's neighbours), {@code "combo"} (segmented gossip) or
 *                 {@code "bacombo"} (segmented gossip with bandwidth-aware peers)
 * @param graph    D-PSGD's graph: {@code ring}, {@code torus}, {@code random-regular}, {@code erdos-renyi} or
 *                 {@code complete}
 * @param degree   the degree of a random regular graph
 * @param p        the edge probability of an Erdős–Rényi graph
 * @param rows     rows of a torus (its columns: peers / rows)
 * @param weights  {@code metropolis-hastings} or {@code uniform}
 * @param segments S (Combo's default 10)
 * @param replicas R (Combo's default 2)
 * @param epsilon  BACombo's exploration probability (the code's 0.5)
 * @param pairMbps a cap on every pair of peers (Combo's 10 Mb/s per worker pair), Mb/s, or null for none
 * @param consensusStep CHOCO's consensus step γ in (0, 1], used when {@code [compressor]} compresses D-PSGD's messages
 * @param churn    peers leaving and joining in virtual time, {@code [{ at = 3.0, leave = [2] }, { at = 9.0, join =
 *                 [2] }]} (segmented gossip, and D-PSGD with dense messages), or empty
 */
public record GossipConfig(String mode, String graph, int degree, double p, int rows, String weights, int segments,
                           int replicas, double epsilon, Double pairMbps, double consensusStep, ChurnEvent[] churn) {
    /** The graphs. */
    public static final List<String> GRAPHS = List.of("ring", "torus", "random-regular", "erdos-renyi", "complete");

    /** Validates what does not need the number of peers. */
    public GossipConfig {
        if (!List.of("dpsgd", "combo", "bacombo").contains(mode)) {
            throw new IllegalArgumentException("mode must be dpsgd, combo or bacombo, got '" + mode + "'");
        }
        if (!GRAPHS.contains(graph)) {
            throw new IllegalArgumentException("graph must be one of " + String.join(", ", GRAPHS) + ", got '" + graph
                    + "'");
        }
        if (!List.of("metropolis-hastings", "uniform").contains(weights)) {
            throw new IllegalArgumentException("weights must be metropolis-hastings or uniform, got '" + weights + "'");
        }
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        if (pairMbps != null && (!(pairMbps > 0) || pairMbps == Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("pair-mbps must be finite and > 0, got " + pairMbps);
        }
        if (!(consensusStep > 0 && consensusStep <= 1)) {
            throw new IllegalArgumentException("consensus-step must be in (0, 1], got " + consensusStep);
        }
        churn = churn == null ? new ChurnEvent[0] : churn.clone();
    }

    /** @return the churn schedule (a copy) */
    @Override
    public ChurnEvent[] churn() {
        return churn.clone();
    }

    /**
     * @return segmented gossip with S = 10, R = 2, ε = 0.5; a complete graph with Metropolis–Hastings weights; CHOCO's
     *     γ = 1
     */
    public static GossipConfig defaults() {
        return new GossipConfig("combo", "complete", 4, 0.3, 0, "metropolis-hastings", 10, 2, 0.5, null, 1.0, null);
    }

    /**
     * @param peers the number of peers
     * @param seeds the run's seed tree ({@code gossip/graph} for random graphs)
     * @return the peers' rule
     * @throws IllegalArgumentException naming the key: a disconnected graph, S or R out of range
     */
    public GossipSimulation.Gossip resolve(int peers, SeedTree seeds) {
        if (!mode.equals("dpsgd")) {
            if (replicas < 1 || replicas > peers - 1) {
                throw new IllegalArgumentException("replicas (R) must be in [1, " + (peers - 1) + "] for " + peers
                        + " peers, got " + replicas);
            }
            if (segments < 1) {
                throw new IllegalArgumentException("segments (S) must be >= 1, got " + segments);
            }
            try {
                ChurnEvent.check(churn, peers, replicas + 1);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("churn: " + e.getMessage(), e);
            }
            return new GossipSimulation.Gossip(mode, null, segments, replicas, epsilon, consensusStep, churn);
        }
        SplittableRandom rng = seeds.child("gossip").child("graph").random();
        GossipGraph g = switch (graph) {
            case "ring" -> GossipGraph.ring(peers);
            case "torus" -> {
                if (rows < 1 || peers % rows != 0) {
                    throw new IllegalArgumentException("torus rows must divide the " + peers + " peers, got rows = "
                            + rows);
                }
                yield GossipGraph.torus(rows, peers / rows);
            }
            case "random-regular" -> GossipGraph.randomRegular(peers, degree, rng);
            case "erdos-renyi" -> GossipGraph.erdosRenyi(peers, p, rng);
            default -> GossipGraph.complete(peers);
        };
        MixingMatrix w = weights.equals("uniform") ? MixingMatrix.uniform(g) : MixingMatrix.metropolisHastings(g);
        try {
            ChurnEvent.check(churn, peers, 2, "D-PSGD needs (two peers to mix)");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("churn: " + e.getMessage(), e);
        }
        return new GossipSimulation.Gossip(mode, w, 0, 0, epsilon, consensusStep, churn);
    }
}
