package org.dml4j.planner.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.dml4j.planner.GradientCompression;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Planner;
import org.dml4j.planner.Recompute;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.model.ModelFiles;
import org.dml4j.planner.model.ModelPresets;
import org.junit.jupiter.api.Test;

/** Megatron-LM arguments and DeepSpeed configurations for known plans. */
class ExportersTest {
    private static final PlanRequest TRILLION = PlanRequest.of(ModelPresets.get("megatron-1t"),
            ClusterPresets.get("dgx-a100:384"), 3072);

    @Test
    void megatronArgumentsOfThePublishedTrillionParameterRun() {
        // Prepare: Narayanan et al.'s configuration (TP 8, PP 64, interleaved, full recomputation)
        Plan plan = Planner.evaluate(TRILLION, ParallelConfig.megatron(8, 64, 6, 1, "interleaved", 2,
                Recompute.FULL));

        // Execute
        String script = PlanExporters.get("megatron").export(TRILLION, plan);

        // Assert
        for (String arg : List.of("torchrun --nnodes 384 --nproc-per-node 8", "pretrain_gpt.py",
                "--num-layers 128", "--hidden-size 25600", "--num-attention-heads 160", "--ffn-hidden-size 102400",
                "--seq-length 2048", "--micro-batch-size 1", "--global-batch-size 3072",
                "--tensor-model-parallel-size 8", "--pipeline-model-parallel-size 64",
                "--num-layers-per-virtual-pipeline-stage 1", "--recompute-granularity full",
                "--recompute-method uniform", "--bf16")) {
            assertTrue(script.contains(arg), arg + " missing in\n" + script);
        }
        assertTrue(!script.contains("NOTE"), script);
        assertTrue(!script.contains("--sequence-parallel") && !script.contains("--use-distributed-optimizer"), script);
    }

    @Test
    void megatronWritesInterleavingSelectiveRecomputationAndTheDistributedOptimizer() {
        // Prepare
        Plan plan = Planner.evaluate(TRILLION, new ParallelConfig(8, 16, 24, 1, 1, "interleaved", 2,
                Recompute.SELECTIVE, 1, true, GradientCompression.NONE, true, null));

        // Execute
        String script = new MegatronExporter().export(TRILLION, plan);

        // Assert
        assertTrue(!script.contains("NOTE"), script);
        assertTrue(script.contains("export CUDA_DEVICE_MAX_CONNECTIONS=1"), script);
        assertTrue(script.contains("--num-layers-per-virtual-pipeline-stage 4"), script);
        assertTrue(script.contains("--sequence-parallel"), script);
        assertTrue(script.contains("--recompute-granularity selective"), script);
        assertTrue(script.contains("--use-distributed-optimizer"), script);
        assertTrue(script.contains("--overlap-grad-reduce") && script.contains("--overlap-param-gather"), script);
    }

    @Test
    void megatronRejectsGenericLayerLists() {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelFiles.parse("""
                { "format-version": 1, "type": "layers", "name": "net",
                  "layers": [ { "count": 4, "forward-flops": 1e9, "parameters": 1e6, "activation-bytes": 1e6 } ] }"""),
                ClusterPresets.get("dgx-a100:1"), 8);
        Plan plan = Planner.search(req, 1).best();

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MegatronExporter().export(req, plan));

        // Assert
        assertTrue(e.getMessage().contains("generic layer list"), e.getMessage());
        PlanRequest ds = req.withSpace(org.dml4j.planner.SearchSpace.defaults().withTarget(
                org.dml4j.planner.LaunchTarget.DEEPSPEED));
        assertTrue(new DeepSpeedExporter().export(ds, Planner.search(ds, 1).best()).contains("train_batch_size"));
    }

    @Test
    void deepSpeedConfigIsValidJsonWithThePlansSettings() throws Exception {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-7.5b"), ClusterPresets.get("dgx-a100:2"), 64);
        Plan plan = Planner.evaluate(req, new ParallelConfig(2, 2, 4, 1, 2, "1f1b", 1, Recompute.FULL, 1, true,
                GradientCompression.NONE, true, null));

        // Execute
        String json = PlanExporters.get("deepspeed").export(req, plan);
        JsonNode root = new ObjectMapper().readTree(json);

        // Assert
        assertEquals(64, root.get("train_batch_size").asInt());
        assertEquals(2, root.get("train_micro_batch_size_per_gpu").asInt());
        assertEquals(8, root.get("gradient_accumulation_steps").asInt());
        assertTrue(root.get("bf16").get("enabled").asBoolean());
        assertEquals(1, root.get("zero_optimization").get("stage").asInt());
        assertTrue(root.get("zero_optimization").get("overlap_comm").asBoolean());
        assertEquals(1, root.get("pipeline").get("activation_checkpoint_interval").asInt());
        assertTrue(root.get("pipeline").get("pipe_partitioned").asBoolean());
        assertTrue(!root.get("pipeline").has("stages") && !root.get("pipeline").has("partition"),
                "stages and partition are read by nothing in DeepSpeed");
        assertTrue(!root.has("tensor_parallel"), "AutoTP would partition the Megatron-DeepSpeed layers again");
        assertTrue(root.get("activation_checkpointing").get("partition_activations").asBoolean());
        List<String> notes = new DeepSpeedExporter().notes(req, plan);
        assertTrue(notes.get(0).contains("PipelineModule(num_stages=2)"), notes.toString());
        assertTrue(notes.get(1).contains("--tensor-model-parallel-size 2"), notes.toString());
    }
}
