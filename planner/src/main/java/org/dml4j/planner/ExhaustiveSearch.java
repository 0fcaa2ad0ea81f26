package org.dml4j.planner;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates every configuration of the space in full: the reference that {@link BranchAndBoundSearch} is tested
 * against. Fine for small clusters; slow for large ones.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExhaustiveSearch implements PlanSearch {
    /** Creates the search (stateless). */
    public ExhaustiveSearch() {
    }

    @Override
    public SearchResult search(PlanRequest request, CostModel costModel, int top) {
        SearchSupport.checkTop(top);
        PlanEvaluator ev = costModel.prepare(request);
        List<ParallelConfig> cands = CandidateSpace.enumerate(request);
        List<SearchSupport.Ranked> best = new ArrayList<>();
        Evaluation.Infeasible closest = null;
        long infeasible = 0;
        for (int i = 0; i < cands.size(); i++) {
            Evaluation e = ev.evaluate(cands.get(i));
            if (e instanceof Evaluation.Feasible f) {
                SearchSupport.offer(best, new SearchSupport.Ranked(f.plan(), i), top);
            } else if (e instanceof Evaluation.Infeasible inf) {
                infeasible++;
                if (closest == null || inf.shortfallBytes() < closest.shortfallBytes()) {
                    closest = inf;
                }
            }
        }
        if (best.isEmpty()) {
            if (closest == null) {
                SearchSupport.checkTarget(request);
                throw new IllegalArgumentException("the search space is empty for model '" + request.model().name()
                        + "' on " + request.cluster().describe());
            }
            throw SearchSupport.noPlan(request, costModel, closest);
        }
        return new SearchResult(SearchSupport.plans(best), cands.size(), infeasible, cands.size(), 0,
                ev.simulations());
    }
}
