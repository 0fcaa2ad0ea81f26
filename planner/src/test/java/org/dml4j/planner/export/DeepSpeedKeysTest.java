package org.dml4j.planner.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dml4j.planner.ConfigText;
import org.dml4j.planner.LaunchTarget;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Planner;
import org.dml4j.planner.SearchSpace;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.cluster.SoftwareStack;
import org.dml4j.planner.model.ModelPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DeepSpeed JSON holds only keys DeepSpeed reads. The key sets restate deepspeedai/DeepSpeed at commit
 * edaa7221267243c7be7fb49c5d5f5c4fb97b4641: top-level names from {@code deepspeed/runtime/constants.py},
 * {@code zero_optimization} fields (and their {@code stage3_} aliases) from {@code deepspeed/runtime/zero/config.py},
 * {@code activation_checkpointing} from {@code deepspeed/runtime/activation_checkpointing/config.py}, and the
 * {@code pipeline} keys that {@code deepspeed/runtime/pipe/engine.py} reads ({@code stages} and {@code partition}
 * are only defaults in {@code get_pipeline_config}; nothing reads them). The batch rule is
 * {@code DeepSpeedConfig._batch_assertion}: {@code train_batch_size = micro x accumulation x dp}.
 */
class DeepSpeedKeysTest {
    static final Map<String, Set<String>> READ = Map.of(
            "", Set.of("train_batch_size", "train_micro_batch_size_per_gpu", "gradient_accumulation_steps", "bf16",
                    "fp16", "zero_optimization", "activation_checkpointing", "pipeline", "gradient_clipping",
                    "steps_per_print", "wall_clock_breakdown"),
            "bf16", Set.of("enabled"),
            "fp16", Set.of("enabled"),
            "zero_optimization", Set.of("stage", "overlap_comm", "contiguous_gradients", "reduce_bucket_size",
                    "allgather_bucket_size", "reduce_scatter", "allgather_partitions", "stage3_prefetch_bucket_size",
                    "stage3_param_persistence_threshold", "stage3_max_live_parameters", "stage3_max_reuse_distance"),
            "activation_checkpointing", Set.of("partition_activations", "contiguous_memory_optimization",
                    "cpu_checkpointing", "number_checkpoints", "synchronize_checkpoint_boundary", "profile"),
            "pipeline", Set.of("activation_checkpoint_interval", "pipe_partitioned", "grad_partitioned",
                    "use_reentrant"));

    static List<String> unread(JsonNode root) {
        List<String> bad = new ArrayList<>();
        check("", root, bad);
        return bad;
    }

    private static void check(String section, JsonNode node, List<String> bad) {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            String path = section.isEmpty() ? k : section + "." + k;
            if (!READ.getOrDefault(section, Set.of()).contains(k)) {
                bad.add(path);
            } else if (node.get(k).isObject()) {
                check(k, node.get(k), bad);
            }
        }
    }

    static Stream<Arguments> plans() {
        return Stream.of(
                Arguments.of("megatron-7.5b", "dgx-a100:2", 64, "tp=2,pp=2,mb=2,recompute=full,zero=1,sp=true,"
                        + "overlap=true"),
                Arguments.of("llama2-7b", "dgx-a100:4", 256, "mb=2,recompute=full,zero=3,overlap=true"),
                Arguments.of("megatron-1.7b", "dgx-a100:4", 512, "tp=1,mb=4,zero=2"),
                Arguments.of("mixtral-8x7b", "dgx-h100:8", 256, "tp=2,pp=4,ep=8,mb=1,recompute=selective,zero=1,"
                        + "sp=true"));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("plans")
    void everyKeyIsOneDeepSpeedReads(String model, String cluster, int batch, String config) throws Exception {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelPresets.get(model), ClusterPresets.get(cluster), batch);
        Plan plan = Planner.evaluate(req, ConfigText.parse(config, req.cluster().gpus()));

        // Execute
        JsonNode root = new ObjectMapper().readTree(new DeepSpeedExporter().export(req, plan));

        // Assert
        assertEquals(List.of(), unread(root), root.toString());
        int dp = plan.config().dp();
        assertEquals(root.get("train_batch_size").asLong(), (long) root.get("train_micro_batch_size_per_gpu").asInt()
                * root.get("gradient_accumulation_steps").asInt() * dp);
    }

    @Test
    void bestDeepSpeedPlanIsOneDeepSpeedRuns() throws Exception {
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-145.6b"), ClusterPresets.get("dgx-a100:64"), 1024)
                .withSpace(SearchSpace.defaults().withTarget(LaunchTarget.DEEPSPEED));

        Plan best = Planner.search(req, 1).best();

        assertTrue(best.config().schedule().equals("1f1b") || best.config().pp() == 1, best.config().label());
        assertEquals(List.of(), unread(new ObjectMapper().readTree(new DeepSpeedExporter().export(req, best))));
    }

    @Test
    void interleavedPlanIsRefused() {
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-39.1b"), ClusterPresets.get("dgx-a100:8"), 512);
        Plan plan = Planner.evaluate(req, ConfigText.parse("tp=8,pp=4,mb=1,schedule=interleaved,v=2,recompute=full",
                64));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DeepSpeedExporter().export(req, plan));

        assertTrue(e.getMessage().contains("its pipeline engine runs 1F1B"), e.getMessage());
    }

    @Test
    void tpCommOverlapPlanIsRefusedAndOneWithoutTheOverlapIsExported() throws Exception {
        // Prepare: the Megatron-only stack; TP 2 with SP is predicted with overlap, TP 1 without
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-7.5b"), ClusterPresets.get("dgx-a100:2"), 64)
                .withStack(SoftwareStack.get("megatron-core-tp-overlap"));
        Plan overlapped = Planner.evaluate(req, ConfigText.parse("tp=2,pp=2,mb=2,recompute=full,zero=1,sp=true", 16));
        Plan plain = Planner.evaluate(req, ConfigText.parse("tp=1,pp=2,mb=2,recompute=full,zero=1", 16));

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DeepSpeedExporter().export(req, overlapped));
        JsonNode root = new ObjectMapper().readTree(new DeepSpeedExporter().export(req, plain));

        // Assert
        assertTrue(e.getMessage().contains("'megatron-core-tp-overlap' overlaps tensor-parallel communication"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--stack megatron-core"), e.getMessage());
        assertEquals(List.of(), unread(root), root.toString());
    }
}
