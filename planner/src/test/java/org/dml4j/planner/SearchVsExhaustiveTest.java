package org.dml4j.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.cluster.ClusterSpec;
import org.dml4j.planner.cluster.GpuCatalog;
import org.dml4j.planner.cluster.NodeGroup;
import org.dml4j.planner.model.ModelPresets;
import org.dml4j.planner.model.TransformerSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On small clusters the branch-and-bound search must return exactly what evaluating every configuration returns:
 * the same top plans, in the same order, with the same predictions, while evaluating fewer configurations.
 */
class SearchVsExhaustiveTest {
    static final int TOP = 5;

    static Stream<Arguments> requests() {
        TransformerSpec gpt13 = TransformerSpec.gpt("gpt-1.3b", 24, 2048, 16, 2048, 51200);
        TransformerSpec gpt350 = TransformerSpec.gpt("gpt-350m", 24, 1024, 16, 1024, 51200);
        NodeGroup a100 = ClusterPresets.node("dgx-a100");
        NodeGroup h100 = ClusterPresets.node("dgx-h100");
        ClusterSpec mixed = new ClusterSpec("a100+h100", List.of(a100.withNodes(1), h100.withNodes(1)));
        ClusterSpec slow = ClusterSpec.of("ethernet", new NodeGroup(GpuCatalog.get("a10-24gb"), 4, 2, 25e9, 2e-6,
                1.25e9, 20e-6));
        SearchSpace small = SearchSpace.defaults().withAdaptiveOpsLimit(128).withMaxMicroBatch(8);
        return Stream.of(
                Arguments.of("gpt-1.3b on 2 DGX A100", PlanRequest.of(gpt13.toModel(),
                        ClusterPresets.get("dgx-a100:2"), 64).withSpace(small)),
                Arguments.of("megatron-7.5b on 2 DGX A100 40GB (memory-bound)", PlanRequest.of(
                        ModelPresets.get("megatron-7.5b"), ClusterPresets.get("dgx-a100-40gb:2"), 32).withSpace(small)),
                Arguments.of("gpt-1.3b on A100 + H100 (heterogeneous)", PlanRequest.of(gpt13.toModel(), mixed, 64)
                        .withSpace(small)),
                Arguments.of("mixtral-8x7b on 2 DGX H100 (expert parallel)", PlanRequest.of(
                        ModelPresets.get("mixtral-8x7b"), ClusterPresets.get("dgx-h100:2"), 32).withSpace(small)),
                Arguments.of("gpt-350m on 8 A10s over 10 GbE (compression)", PlanRequest.of(gpt350.toModel(), slow, 32)
                        .withSpace(small)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void branchAndBoundEqualsExhaustive(String name, PlanRequest request) {
        // Prepare
        CostModel cm = CostModels.defaultModel();

        // Execute
        SearchResult fast = new BranchAndBoundSearch().search(request, cm, TOP);
        SearchResult all = new ExhaustiveSearch().search(request, cm, TOP);

        // Assert
        assertEquals(all.plans().size(), fast.plans().size());
        for (int i = 0; i < all.plans().size(); i++) {
            Plan a = all.plans().get(i);
            Plan b = fast.plans().get(i);
            assertEquals(a.config(), b.config(), name + ": plan " + i);
            assertEquals(a.iterationSeconds(), b.iterationSeconds(), 0.0, name + ": plan " + i);
            assertEquals(a.peakMemoryBytes(), b.peakMemoryBytes(), 0.0, name + ": plan " + i);
        }
        assertEquals(all.candidates(), fast.candidates());
        assertTrue(fast.evaluated() < all.evaluated(), name + ": branch and bound evaluated " + fast.evaluated()
                + " of " + all.evaluated());
        System.out.println(name + ": best " + fast.best().summary() + "; evaluated " + fast.evaluated() + " of "
                + all.candidates());
    }
}
