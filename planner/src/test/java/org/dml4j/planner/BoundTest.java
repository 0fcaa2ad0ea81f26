package org.dml4j.planner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.model.ModelPresets;
import org.dml4j.planner.model.TransformerSpec;
import org.junit.jupiter.api.Test;

/**
 * The property branch and bound rests on: for every configuration, the cheap bound's time is at most the evaluated
 * iteration time and its memory shortfall at most the evaluated one (a bound that says "fits" may be wrong, one that
 * says "does not fit" never is).
 */
class BoundTest {
    private static void checkAll(PlanRequest request) {
        PlanEvaluator ev = CostModels.defaultModel().prepare(request);
        List<ParallelConfig> cands = CandidateSpace.enumerate(request);
        int feasible = 0;
        for (ParallelConfig c : cands) {
            PlanEvaluator.Bound b = ev.bound(c);
            Evaluation e = ev.evaluate(c);
            if (e instanceof Evaluation.Feasible f) {
                feasible++;
                assertTrue(b.mayFit(), c.label() + ": bound says it cannot fit but it does");
                assertTrue(b.seconds() <= f.plan().iterationSeconds() * (1 + 1e-12), c.label() + ": bound "
                        + b.seconds() + " > evaluated " + f.plan().iterationSeconds());
            } else if (e instanceof Evaluation.Infeasible inf) {
                assertTrue(b.shortfallBytes() <= inf.shortfallBytes() + 1e-3, c.label() + ": shortfall bound "
                        + b.shortfallBytes() + " > evaluated " + inf.shortfallBytes());
            }
        }
        assertTrue(feasible > 0, "some configurations must fit");
    }

    @Test
    void boundNeverExceedsEvaluationOnPipelinedGpt() {
        // Prepare
        TransformerSpec gpt = TransformerSpec.gpt("gpt-760m", 24, 1536, 16, 2048, 51200);
        PlanRequest request = PlanRequest.of(gpt.toModel(), ClusterPresets.get("dgx-a100-40gb:1"), 32)
                .withSpace(SearchSpace.defaults().withAdaptiveOpsLimit(64).withMaxMicroBatch(4)
                        .withSchedules(List.of("gpipe", "1f1b", "interleaved", "zb-h1", "zb-h2", "zb-v", "adaptive")));

        // Execute and assert
        checkAll(request);
    }

    @Test
    void boundNeverExceedsEvaluationWithoutOverlapAndWithExperts() {
        // Prepare
        PlanRequest request = PlanRequest.of(ModelPresets.get("mixtral-8x7b"), ClusterPresets.get("dgx-h100:2"), 16)
                .withSpace(SearchSpace.defaults().withOverlapGradReduce(false).withAdaptiveOpsLimit(32)
                        .withMaxMicroBatch(2));

        // Execute and assert
        checkAll(request);
    }
}
