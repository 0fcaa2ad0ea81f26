package org.dml4j.planner;

import java.util.Objects;
import org.dml4j.core.PlanInfeasibleException;

/**
 * Entry point: search for the best plans with the default search and cost model, or evaluate one given
 * configuration (for instance the one a paper published) under the same model.
 *
 * <pre>{@code
 * PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-1t"), ClusterPresets.get("dgx-a100:384"), 3072);
 * SearchResult r = Planner.search(req, 5);
 * String args = PlanExporters.get("megatron").export(req, r.best());
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Planner {
    private Planner() {
    }

    /**
     * @param request what to plan
     * @param top     how many plans to return
     * @return the best plans, fastest first
     * @throws NoFeasiblePlanException when nothing fits, with the smallest shortfall and fixes
     */
    public static SearchResult search(PlanRequest request, int top) {
        return new BranchAndBoundSearch().search(request, CostModels.defaultModel(), top);
    }

    /**
     * Evaluates one configuration with the default cost model.
     *
     * @param request what to plan
     * @param config  the configuration
     * @return its plan
     * @throws PlanInfeasibleException  when it does not fit in memory, naming the stage and the shortfall
     * @throws IllegalArgumentException when it does not fit the model or cluster's shape
     */
    public static Plan evaluate(PlanRequest request, ParallelConfig config) {
        return evaluate(request, config, CostModels.defaultModel());
    }

    /**
     * @param request   what to plan
     * @param config    the configuration
     * @param costModel the cost model
     * @return its plan
     * @throws PlanInfeasibleException when it does not fit in memory
     */
    public static Plan evaluate(PlanRequest request, ParallelConfig config, CostModel costModel) {
        Objects.requireNonNull(config, "config");
        Evaluation e = costModel.prepare(request).evaluate(config);
        if (e instanceof Evaluation.Infeasible inf) {
            throw new PlanInfeasibleException(config.label() + " does not fit: " + inf.reason());
        }
        return ((Evaluation.Feasible) e).plan();
    }
}
