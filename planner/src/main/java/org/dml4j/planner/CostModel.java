package org.dml4j.planner;

/**
 * Predicts the iteration time and memory of parallel plans on a cluster, so that the search does not depend on any
 * particular hardware model. Implementations are registered in
 * {@code META-INF/services/org.dml4j.planner.CostModel} and chosen by {@link #name()} through {@link CostModels}
 * ({@code "analytic"}: {@link org.dml4j.planner.cost.AnalyticCostModel}).
 *
 * <p>Call order: {@link #prepare(PlanRequest)} once per request, then any number of
 * {@link PlanEvaluator#bound(ParallelConfig)} and {@link PlanEvaluator#evaluate(ParallelConfig)} calls on the
 * returned evaluator, from one thread.
 *
 * <p>Implementations are immutable and thread-safe; an evaluator is not.
 */
public interface CostModel {
    /**
     * @return the name used to select it ("analytic")
     */
    String name();

    /**
     * @return a one-line description citing the model's sources
     */
    String description();

    /**
     * @param request model, cluster, batch and search knobs
     * @return an evaluator for that request (it may cache per-request work)
     * @throws IllegalArgumentException when the model cannot run on the cluster at all (e.g. a precision the GPUs
     *                                  lack), naming the field and value
     */
    PlanEvaluator prepare(PlanRequest request);
}
