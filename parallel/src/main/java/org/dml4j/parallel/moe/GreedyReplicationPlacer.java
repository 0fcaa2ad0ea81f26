package org.dml4j.parallel.moe;

/**
 * Baseline, EPLB's approach: give the spare slots to the hottest experts one replica at a time (always the expert
 * with the most tokens per replica), then pack replicas heaviest first onto the least-loaded GPU that has a free slot
 * and does not already hold that expert; tokens split evenly across replicas.
 *
 * <pre>
 * DeepSeek-AI, "EPLB: Expert Parallelism Load Balancer", 2025 (DeepSeek-V3 technical report, section 3.4);
 * Graham, "Bounds on multiprocessing timing anomalies", 1969 (longest-processing-time-first packing).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class GreedyReplicationPlacer implements ExpertPlacer {
    /** Creates the placer (stateless). */
    public GreedyReplicationPlacer() {
    }

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public ExpertPlacement place(PlacementProblem problem) {
        int[] counts = Packing.apportion(problem);
        int[][] hosts = Packing.packLpt(problem, counts);
        return new ExpertPlacement(name(), problem.gpus(), hosts, ShareBalancer.evenShares(problem.loads(), hosts));
    }
}
