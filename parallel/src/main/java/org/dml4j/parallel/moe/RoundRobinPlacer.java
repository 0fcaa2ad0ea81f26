package org.dml4j.parallel.moe;

/**
 * Baseline: expert {@code e} on GPU {@code e mod G}, one copy each, no replicas: the static layout of
 * Megatron-LM's and DeepSpeed's expert parallelism (which assign each rank a fixed block of experts regardless of
 * load).
 *
 * <pre>
 * Shoeybi et al. / Narayanan et al., Megatron-LM; Rajbhandari et al., "DeepSpeed-MoE", ICML 2022.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RoundRobinPlacer implements ExpertPlacer {
    /** Creates the placer (stateless). */
    public RoundRobinPlacer() {
    }

    @Override
    public String name() {
        return "round-robin";
    }

    @Override
    public ExpertPlacement place(PlacementProblem problem) {
        int[][] hosts = new int[problem.experts()][];
        for (int e = 0; e < hosts.length; e++) {
            hosts[e] = new int[] {e % problem.gpus()};
        }
        return new ExpertPlacement(name(), problem.gpus(), hosts,
                ShareBalancer.evenShares(problem.loads(), hosts));
    }
}
