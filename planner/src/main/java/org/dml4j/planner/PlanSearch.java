package org.dml4j.planner;

/**
 * Finds the fastest plans of a request under a cost model. Implementations are pure functions of their inputs: the
 * same request and cost model give the same plans in the same order.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface PlanSearch {
    /**
     * @param request   model, cluster, batch and search space
     * @param costModel the cost model
     * @param top       how many plans to return, at least 1
     * @return the {@code top} fastest feasible plans
     * @throws NoFeasiblePlanException when no configuration fits in memory, with the smallest shortfall and what
     *                                 would fix it
     */
    SearchResult search(PlanRequest request, CostModel costModel, int top);
}
