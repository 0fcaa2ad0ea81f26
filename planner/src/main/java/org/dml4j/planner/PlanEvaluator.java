package org.dml4j.planner;

/**
 * Evaluates configurations of one {@link PlanRequest}. {@link #bound} is cheap and must never exceed what
 * {@link #evaluate} returns: its time is a lower bound of the evaluated iteration time and its memory shortfall a
 * lower bound of the evaluated one, which is what lets {@link BranchAndBoundSearch} skip work and still find the same
 * best plans as {@link ExhaustiveSearch}.
 *
 * <p>Call order: any interleaving of {@link #bound} and {@link #evaluate}. Deterministic: the same configuration
 * gives the same result.
 *
 * <p>Not thread-safe: one search owns it (it caches).
 */
public interface PlanEvaluator {
    /**
     * @param config a configuration that fits the model and cluster's shape
     * @return a lower bound on its iteration time and memory shortfall
     * @throws IllegalArgumentException when the configuration does not fit the model or cluster shape, naming the
     *                                  field and value (e.g. tp not dividing heads)
     */
    Bound bound(ParallelConfig config);

    /**
     * @param config a configuration that fits the model and cluster's shape
     * @return the plan, or why it does not fit in memory and by how much
     * @throws IllegalArgumentException as for {@link #bound}
     */
    Evaluation evaluate(ParallelConfig config);

    /**
     * @return how many pipeline timelines were simulated so far
     */
    long simulations();

    /**
     * A cheap lower bound. Immutable and thread-safe.
     *
     * @param seconds        lower bound on the iteration time
     * @param shortfallBytes lower bound on the largest per-GPU memory excess (at most 0 when it may fit)
     */
    record Bound(double seconds, double shortfallBytes) {
        /**
         * @return whether the configuration may fit in memory
         */
        public boolean mayFit() {
            return shortfallBytes <= 0;
        }
    }
}
