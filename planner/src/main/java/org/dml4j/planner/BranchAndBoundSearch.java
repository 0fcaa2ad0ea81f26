package org.dml4j.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The default search: enumerate the space ({@link CandidateSpace}), compute each configuration's cheap lower bound
 * ({@link PlanEvaluator#bound}), drop those whose memory bound already exceeds a GPU, then evaluate the rest in
 * increasing order of their time bound and stop as soon as the next bound is above the {@code top}-th best plan
 * found. Because bounds never exceed evaluations, the result equals {@link ExhaustiveSearch}'s (same plans, same
 * order), which the tests check; the pipeline simulations, the expensive part, run only for plans that could still
 * make the top.
 *
 * <pre>
 * Land and Doig, "An Automatic Method of Solving Discrete Programming Problems", Econometrica 1960 (branch and
 * bound). Compare: Li et al., "AMP", NeurIPS 2022; Zheng et al., "Alpa", OSDI 2022 (planners that search similar
 * spaces in minutes to hours).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class BranchAndBoundSearch implements PlanSearch {
    /** Creates the search (stateless). */
    public BranchAndBoundSearch() {
    }

    @Override
    public SearchResult search(PlanRequest request, CostModel costModel, int top) {
        SearchSupport.checkTop(top);
        PlanEvaluator ev = costModel.prepare(request);
        List<ParallelConfig> cands = CandidateSpace.enumerate(request);
        int n = cands.size();
        double[] time = new double[n];
        double[] shortfall = new double[n];
        List<Integer> open = new ArrayList<>();
        long pruned = 0;
        for (int i = 0; i < n; i++) {
            PlanEvaluator.Bound b = ev.bound(cands.get(i));
            time[i] = b.seconds();
            shortfall[i] = b.shortfallBytes();
            if (b.mayFit()) {
                open.add(i);
            } else {
                pruned++;
            }
        }
        Integer[] order = open.toArray(new Integer[0]);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> time[i]).thenComparing(i -> i));
        List<SearchSupport.Ranked> best = new ArrayList<>();
        Evaluation.Infeasible closest = null;
        long evaluated = 0;
        long skipped = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            if (best.size() >= top && time[i] > best.get(best.size() - 1).plan().iterationSeconds()) {
                skipped = order.length - k;
                break;
            }
            Evaluation e = ev.evaluate(cands.get(i));
            evaluated++;
            if (e instanceof Evaluation.Feasible f) {
                SearchSupport.offer(best, new SearchSupport.Ranked(f.plan(), i), top);
            } else if (e instanceof Evaluation.Infeasible inf
                    && (closest == null || inf.shortfallBytes() < closest.shortfallBytes())) {
                closest = inf;
            }
        }
        if (best.isEmpty()) {
            if (n == 0) {
                SearchSupport.checkTarget(request);
                throw new IllegalArgumentException("the search space is empty for model '" + request.model().name()
                        + "' on " + request.cluster().describe() + " with global batch " + request.globalBatch()
                        + ": no tensor/pipeline/data-parallel sizes fit (check that the global batch is divisible by "
                        + "a data-parallel size and the restrictions of the search space)");
            }
            throw SearchSupport.noPlan(request, costModel, SearchSupport.closest(ev, cands, shortfall, closest));
        }
        return new SearchResult(SearchSupport.plans(best), n, pruned, evaluated, skipped, ev.simulations());
    }
}
