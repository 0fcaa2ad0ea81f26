package org.dml4j.planner.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dml4j.core.Json;
import org.dml4j.planner.LaunchTarget;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Recompute;
import org.dml4j.planner.model.Precision;

/**
 * Exports a plan as a DeepSpeed JSON configuration for a Megatron-DeepSpeed model (the path the notes recommend:
 * tensor, sequence and expert parallelism come from the model code, pipeline stages from {@code PipelineModule}):
 * batch sizes ({@code train_batch_size}, {@code train_micro_batch_size_per_gpu}, {@code gradient_accumulation_steps}),
 * precision, the ZeRO stage with communication overlap and bucket sizes, activation checkpointing and the pipeline
 * engine's options. Only keys DeepSpeed reads are written (deepspeedai/DeepSpeed commit
 * edaa7221267243c7be7fb49c5d5f5c4fb97b4641: {@code deepspeed/runtime/config.py}, {@code zero/config.py},
 * {@code activation_checkpointing/config.py}; of the {@code pipeline} section {@code deepspeed/runtime/pipe/engine.py}
 * reads {@code activation_checkpoint_interval}, {@code pipe_partitioned} and {@code grad_partitioned}, while
 * {@code stages} and {@code partition} are defaults nothing reads). AutoTP's {@code tensor_parallel.autotp_size} is
 * not written: it would partition again a Megatron-DeepSpeed model whose layers are already tensor-parallel. What
 * the file cannot carry is listed by {@link #notes}.
 *
 * <p>Only plans DeepSpeed can run are exported ({@link LaunchTarget#DEEPSPEED}: 1F1B pipelines, no ZeRO-2/3 with a
 * pipeline, no top-k/QSGD compression); others are refused with the reason. A plan whose prediction overlaps
 * tensor-parallel communication with the GEMMs ({@link org.dml4j.planner.cluster.SoftwareStack#overlapsTpCommunication}
 * on a stack such as {@code megatron-core-tp-overlap}) is refused too: that overlap is Megatron-LM's
 * {@code --tp-comm-overlap} (Transformer Engine userbuffers), which neither this file nor Megatron-DeepSpeed's
 * layers can turn on, so the run would be slower than the prediction. Plan on a stack without it (e.g.
 * {@code megatron-core}) for DeepSpeed; plans of such a stack with TP 1 or without sequence parallelism are predicted
 * without overlap and exported.
 *
 * <pre>
 * Rasley et al., "DeepSpeed", KDD 2020; Rajbhandari et al., "ZeRO", SC 2020; DeepSpeed configuration JSON reference
 * (deepspeed.ai/docs/config-json).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class DeepSpeedExporter implements PlanExporter {
    /** Creates the exporter (stateless). */
    public DeepSpeedExporter() {
    }

    @Override
    public String name() {
        return "deepspeed";
    }

    @Override
    public String fileName() {
        return "deepspeed-config.json";
    }

    @Override
    public LaunchTarget target() {
        return LaunchTarget.DEEPSPEED;
    }

    @Override
    public String export(PlanRequest request, Plan plan) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(plan, "plan");
        ParallelConfig c = plan.config();
        String why = LaunchTarget.DEEPSPEED.whyNot(request.model(), c);
        if (why != null) {
            throw new IllegalArgumentException("plan " + c.label() + " cannot be exported for DeepSpeed: " + why
                    + "; search with --target deepspeed for the best plan DeepSpeed can run");
        }
        if (request.stack().overlapsTpCommunication(c.tp(), c.sequenceParallel())) {
            throw new IllegalArgumentException("plan " + c.label() + " cannot be exported for DeepSpeed: stack '"
                    + request.stack().name() + "' overlaps tensor-parallel communication (Megatron-LM's "
                    + "--tp-comm-overlap), which DeepSpeed cannot run; plan with --stack megatron-core for DeepSpeed");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("train_batch_size", request.globalBatch());
        root.put("train_micro_batch_size_per_gpu", c.microBatch());
        root.put("gradient_accumulation_steps", plan.microbatches());
        Precision p = request.model().precision();
        Map<String, Object> on = new LinkedHashMap<>();
        on.put("enabled", true);
        if (p == Precision.FP16) {
            root.put("fp16", on);
        } else if (p == Precision.BF16 || p == Precision.FP8) {
            root.put("bf16", on);
        }
        Map<String, Object> zero = new LinkedHashMap<>();
        zero.put("stage", c.zeroStage());
        zero.put("overlap_comm", c.overlapGradReduce());
        zero.put("contiguous_gradients", true);
        long bucket = (long) Math.max(4e7, 1e6 * c.dp());
        zero.put("reduce_bucket_size", bucket);
        if (c.zeroStage() <= 2) {
            zero.put("allgather_bucket_size", bucket);
        }
        if (c.zeroStage() == 3) {
            zero.put("stage3_prefetch_bucket_size", bucket);
        }
        root.put("zero_optimization", zero);
        if (c.recompute() != Recompute.NONE) {
            Map<String, Object> ac = new LinkedHashMap<>();
            ac.put("partition_activations", c.sequenceParallel());
            ac.put("contiguous_memory_optimization", false);
            ac.put("cpu_checkpointing", false);
            root.put("activation_checkpointing", ac);
        }
        if (c.pp() > 1) {
            Map<String, Object> pipe = new LinkedHashMap<>();
            pipe.put("activation_checkpoint_interval", c.recompute() == Recompute.FULL ? 1 : 0);
            pipe.put("pipe_partitioned", c.tp() > 1);
            pipe.put("grad_partitioned", c.tp() > 1);
            root.put("pipeline", pipe);
        }
        root.put("gradient_clipping", 1.0);
        root.put("steps_per_print", 10);
        root.put("wall_clock_breakdown", false);
        return Json.write(root);
    }

    /**
     * What the DeepSpeed file cannot carry and must be set in the training script.
     *
     * @param request the request
     * @param plan    the plan
     * @return human-readable notes (empty when the file says everything)
     */
    public List<String> notes(PlanRequest request, Plan plan) {
        ParallelConfig c = plan.config();
        List<String> notes = new ArrayList<>();
        if (c.pp() > 1) {
            notes.add("build the model as deepspeed.pipe.PipelineModule(num_stages=" + c.pp() + ") with layers per "
                    + "stage " + java.util.Arrays.toString(c.layerSplit()) + " (partition_method='uniform' when even, "
                    + "else 'type:...' or a custom split)");
        }
        if (c.tp() > 1) {
            notes.add("tensor parallelism comes from the model code (Megatron-DeepSpeed: --tensor-model-parallel-size "
                    + c.tp() + "); the JSON has no tensor_parallel section so AutoTP does not partition it again");
        }
        if (c.ep() > 1) {
            notes.add("create MoE layers with deepspeed.moe.layer.MoE(ep_size=" + c.ep() + ")");
        }
        if (c.sequenceParallel()) {
            notes.add("sequence parallelism comes from the model code (Megatron-DeepSpeed: --sequence-parallel)");
        }
        if (!c.compression().isNone()) {
            notes.add("gradient compression '" + c.compression().name() + "' is not a DeepSpeed option; use a "
                    + "communication hook that applies it");
        }
        if (c.recompute() == Recompute.SELECTIVE) {
            notes.add("selective recomputation (attention core only) is set in the model code");
        }
        return notes;
    }
}
