package org.dml4j.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.dml4j.core.PlanInfeasibleException;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.model.ModelPresets;
import org.junit.jupiter.api.Test;

/** The planner's contract: sorted immutable results, determinism, and useful answers when nothing fits. */
class PlannerTest {
    @Test
    void plansAreSortedDeterministicAndDescribeTheirTime() {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-39.1b"), ClusterPresets.get("dgx-a100:8"), 256);

        // Execute
        SearchResult a = Planner.search(req, 4);
        SearchResult b = Planner.search(req, 4);

        // Assert
        assertEquals(4, a.plans().size());
        for (int i = 1; i < a.plans().size(); i++) {
            assertTrue(a.plans().get(i - 1).iterationSeconds() <= a.plans().get(i).iterationSeconds());
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(a.plans().get(i).config(), b.plans().get(i).config());
            assertEquals(a.plans().get(i), b.plans().get(i));
        }
        Plan best = a.best();
        assertEquals(best.iterationSeconds(), best.time().total(), 1e-9);
        assertTrue(best.peakMemoryBytes() <= best.memoryLimitBytes());
        assertEquals(best.peakMemoryBytes(), best.memory().total(), 1);
        assertTrue(best.mfu() > 0.2 && best.mfu() < 0.7, best.summary());
        assertThrows(UnsupportedOperationException.class, () -> a.plans().add(best));
        int[] split = best.config().layerSplit();
        int sum = 0;
        for (int s : split) {
            sum += s;
        }
        assertEquals(48, sum);
    }

    @Test
    void aModelThatFitsNowhereGetsTheSmallestShortfallAndFixes() {
        // Prepare: a trillion parameters on one DGX A100
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-1t"), ClusterPresets.get("dgx-a100:1"), 64);

        // Execute
        NoFeasiblePlanException e = assertThrows(NoFeasiblePlanException.class, () -> Planner.search(req, 3));

        // Assert: 16 bytes per parameter over 8 GPUs is about 2 TB per GPU even with ZeRO-3
        assertTrue(e.shortfallBytes() > 1000.0 * (1 << 30), e.getMessage());
        assertTrue(e.getMessage().contains("short by"), e.getMessage());
        assertTrue(e.getMessage().contains(e.closest().config().label()), e.getMessage());
        assertTrue(e.fixes().get(0).startsWith("GPUs with at least"), e.fixes().toString());
        assertTrue(e.fixes().get(1).contains("GPUs") && e.fixes().get(1).contains("x the nodes")
                || e.fixes().get(1).contains("not be enough"), e.fixes().toString());
        assertTrue(e instanceof PlanInfeasibleException);
    }

    @Test
    void restrictedSpaceSuggestsWhatToAllow() {
        // Prepare: 39.1B on 16 GPUs without recomputation or sharding
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-39.1b"), ClusterPresets.get("dgx-a100:2"), 64)
                .withSpace(SearchSpace.defaults().withRecompute(Set.of(Recompute.NONE)).withZeroStages(Set.of(0))
                        .withPipelineParallel(List.of(1)));

        // Execute
        NoFeasiblePlanException e = assertThrows(NoFeasiblePlanException.class, () -> Planner.search(req, 1));

        // Assert
        assertTrue(e.fixes().contains("allow full activation recomputation"), e.fixes().toString());
        assertTrue(e.fixes().contains("allow ZeRO stage 1 or 3 (sharded optimizer state)"), e.fixes().toString());
        assertTrue(e.fixes().stream().anyMatch(f -> f.contains("restricted")), e.fixes().toString());
    }

    @Test
    void evaluatingAConfigurationThatDoesNotFitNamesTheStage() {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-145.6b"), ClusterPresets.get("dgx-a100:8"), 64);

        // Execute
        PlanInfeasibleException e = assertThrows(PlanInfeasibleException.class, () -> Planner.evaluate(req,
                ParallelConfig.megatron(8, 1, 8, 1, ParallelConfig.NO_PIPELINE, 1, Recompute.FULL)));

        // Assert
        assertTrue(e.getMessage().contains("stage 0 (a100-80gb) needs"), e.getMessage());
        assertTrue(e.getMessage().contains("optimizer"), e.getMessage());
    }

    @Test
    void badConfigurationsAreRejectedNamingTheValue() {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-7.5b"), ClusterPresets.get("dgx-a100:2"), 64);

        // Execute
        IllegalArgumentException gpus = assertThrows(IllegalArgumentException.class, () -> Planner.evaluate(req,
                ParallelConfig.megatron(4, 1, 2, 1, ParallelConfig.NO_PIPELINE, 1, Recompute.FULL)));
        IllegalArgumentException pipe = assertThrows(IllegalArgumentException.class,
                () -> ParallelConfig.megatron(4, 1, 4, 1, "1f1b", 1, Recompute.FULL));
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> Planner.evaluate(req,
                ParallelConfig.megatron(1, 1, 16, 3, ParallelConfig.NO_PIPELINE, 1, Recompute.FULL)));
        IllegalArgumentException space = assertThrows(IllegalArgumentException.class,
                () -> SearchSpace.defaults().withZeroStages(Set.of(4)));

        // Assert
        assertTrue(gpus.getMessage().contains("= 8 must equal the cluster's GPUs (16)"), gpus.getMessage());
        assertTrue(pipe.getMessage().contains("schedule must be 'none' when pp = 1"), pipe.getMessage());
        assertTrue(batch.getMessage().contains("global-batch (64) must be a multiple of dp x micro-batch = 16 x 3"),
                batch.getMessage());
        assertTrue(space.getMessage().contains("4"), space.getMessage());
    }
}
