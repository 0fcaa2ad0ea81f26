package org.dml4j.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What the searches share: ranking with deterministic ties, and the explanation of a request that fits nowhere.
 *
 * <p>Stateless and thread-safe.
 */
final class SearchSupport {
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final int FEASIBILITY_PROBE_LIMIT = 4000;

    private SearchSupport() {
    }

    /** A plan with its enumeration index, for deterministic ties. */
    record Ranked(Plan plan, int index) {
    }

    static final Comparator<Ranked> ORDER = Comparator.comparingDouble((Ranked r) -> r.plan().iterationSeconds())
            .thenComparingInt(Ranked::index);

    /** Inserts into a sorted list kept at most {@code top} long. */
    static void offer(List<Ranked> best, Ranked r, int top) {
        int i = 0;
        while (i < best.size() && ORDER.compare(best.get(i), r) <= 0) {
            i++;
        }
        if (i < top) {
            best.add(i, r);
            if (best.size() > top) {
                best.remove(best.size() - 1);
            }
        }
    }

    static List<Plan> plans(List<Ranked> best) {
        List<Plan> out = new ArrayList<>(best.size());
        for (Ranked r : best) {
            out.add(r.plan());
        }
        return out;
    }

    static void checkTop(int top) {
        if (top < 1) {
            throw new IllegalArgumentException("top must be >= 1, got " + top);
        }
    }

    /**
     * Finds the configuration with the smallest exact memory shortfall, visiting candidates by increasing shortfall
     * lower bound and stopping once no bound can beat the best found.
     */
    static Evaluation.Infeasible closest(PlanEvaluator ev, List<ParallelConfig> cands, double[] shortfallBound,
                                         Evaluation.Infeasible known) {
        Integer[] order = new Integer[cands.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> shortfallBound[i]).thenComparing(i -> i));
        Evaluation.Infeasible best = known;
        for (int i : order) {
            if (best != null && shortfallBound[i] >= best.shortfallBytes()) {
                break;
            }
            Evaluation e = ev.evaluate(cands.get(i));
            if (e instanceof Evaluation.Infeasible inf && (best == null || inf.shortfallBytes() < best.shortfallBytes())) {
                best = inf;
            }
        }
        return best;
    }

    /**
     * @param request a request whose search space came out empty
     * @throws IllegalArgumentException naming the launch target's reason when it cannot train the model at all
     */
    static void checkTarget(PlanRequest request) {
        String no = request.space().target().whyNotModel(request.model());
        if (no != null) {
            throw new IllegalArgumentException("target " + request.space().target().key() + ": " + no);
        }
    }

    /** Builds the exception for a request with no feasible plan. */
    static NoFeasiblePlanException noPlan(PlanRequest request, CostModel costModel, Evaluation.Infeasible closest) {
        List<String> fixes = new ArrayList<>();
        fixes.add(String.format(Locale.ROOT, "GPUs with at least %.1f GiB of memory (these %s have %.1f GiB)",
                Math.ceil(closest.needBytes() / GIB * 10) / 10, closest.gpuType(), closest.limitBytes() / GIB));
        int factor = moreGpus(request, costModel);
        if (factor > 0) {
            fixes.add(String.format(Locale.ROOT, "%dx the nodes: %d GPUs (with a global batch divisible by the "
                    + "data-parallel size)", factor, request.cluster().gpus() * factor));
        } else {
            fixes.add("more GPUs would not be enough up to 64x the nodes with this global batch; a smaller model, "
                    + "shorter sequences or bigger GPUs are needed");
        }
        SearchSpace s = request.space();
        if (!s.recompute().contains(Recompute.FULL)) {
            fixes.add("allow full activation recomputation");
        }
        if (!s.zeroStages().contains(3) && !s.zeroStages().contains(1)) {
            fixes.add("allow ZeRO stage 1 or 3 (sharded optimizer state)");
        }
        if (!s.pipelineParallel().isEmpty() || !s.tensorParallel().isEmpty()) {
            fixes.add("allow every tensor- and pipeline-parallel size (the search space is restricted)");
        }
        String msg = String.format(Locale.ROOT, "no plan for model '%s' with global batch %d fits in memory on %s "
                        + "(%d GPUs): the closest, %s, is short by %.2f GiB per GPU: %s. Would fit with: %s",
                request.model().name(), request.globalBatch(), request.cluster().describe(), request.cluster().gpus(),
                closest.config().label(), closest.shortfallBytes() / GIB, closest.reason(), String.join("; ", fixes));
        return new NoFeasiblePlanException(msg, closest, fixes);
    }

    /** The smallest power-of-two node multiplier (up to 64) with a feasible plan, or 0. */
    private static int moreGpus(PlanRequest request, CostModel costModel) {
        for (int f = 2; f <= 64; f *= 2) {
            PlanRequest scaled = request.withCluster(request.cluster().scaled(f));
            if (anyFeasible(scaled, costModel)) {
                return f;
            }
        }
        return 0;
    }

    private static boolean anyFeasible(PlanRequest request, CostModel costModel) {
        PlanEvaluator ev = costModel.prepare(request);
        List<ParallelConfig> cands = CandidateSpace.enumerate(request);
        double[] sb = new double[cands.size()];
        Integer[] order = new Integer[cands.size()];
        for (int i = 0; i < cands.size(); i++) {
            sb[i] = ev.bound(cands.get(i)).shortfallBytes();
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> sb[i]).thenComparing(i -> i));
        int probes = 0;
        for (int i : order) {
            if (sb[i] > 0 || probes++ >= FEASIBILITY_PROBE_LIMIT) {
                return false;
            }
            if (ev.evaluate(cands.get(i)) instanceof Evaluation.Feasible) {
                return true;
            }
        }
        return false;
    }
}
