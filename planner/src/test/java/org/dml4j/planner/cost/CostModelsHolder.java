package org.dml4j.planner.cost;

import org.dml4j.planner.CostModels;
import org.dml4j.planner.Evaluation;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.PlanRequest;

/** Test helper: one evaluation with the default cost model, infeasible results included. */
final class CostModelsHolder {
    private CostModelsHolder() {
    }

    static Evaluation evaluate(PlanRequest req, ParallelConfig c) {
        return CostModels.defaultModel().prepare(req).evaluate(c);
    }
}
