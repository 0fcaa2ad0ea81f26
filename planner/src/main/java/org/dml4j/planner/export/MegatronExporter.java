package org.dml4j.planner.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.dml4j.planner.LaunchTarget;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Recompute;
import org.dml4j.planner.cluster.NodeGroup;
import org.dml4j.planner.cluster.SoftwareStack;
import org.dml4j.planner.model.ModelSpec;
import org.dml4j.planner.model.Precision;
import org.dml4j.planner.model.TransformerSpec;

/**
 * Exports a plan as a Megatron-LM launch script: {@code torchrun} over the cluster's nodes running
 * {@code pretrain_gpt.py} with the model shape and the plan's parallel arguments
 * ({@code --tensor-model-parallel-size}, {@code --pipeline-model-parallel-size}, the virtual-pipeline and uneven-split
 * arguments, {@code --sequence-parallel}, {@code --expert-model-parallel-size}, {@code --recompute-granularity},
 * {@code --use-distributed-optimizer}, {@code --use-torch-fsdp2}, {@code --overlap-grad-reduce}, ...). Data,
 * tokenizer and learning-rate arguments are left to the user.
 *
 * <p>Only plans Megatron-LM can run are exported ({@link LaunchTarget#MEGATRON}: 1F1B or interleaved 1F1B, no ZeRO-2,
 * FSDP2 only where its argument validation allows it, no gradient compression); any other plan is refused with the
 * reason, so the header's prediction is always that of what is exported (search with {@code --target megatron} for
 * the best plan Megatron-LM can run). The arguments follow Megatron-LM's argument validation
 * ({@code megatron/training/arguments.py}, {@code validate_args}) and {@code TransformerConfig}'s checks, at commit
 * d98e8a64ddf34856e74b24714e3bedb2f5a39553:
 * <ul>
 *   <li>even splits with {@code v > 1}: {@code --num-layers-per-virtual-pipeline-stage}; splits whose first and last
 *       stages differ from equal middle stages: {@code --decoder-first/last-pipeline-num-layers} (with
 *       {@code --num-virtual-stages-per-pipeline-rank} when {@code v > 1} and every count is a multiple of v); any
 *       other split: {@code --pipeline-model-parallel-layout} with one {@code |}-separated entry per virtual stage
 *       (virtual stage {@code k = chunk * pp + rank}), the embedding {@code E} first and the loss {@code L} last;</li>
 *   <li>FSDP2 adds {@code --no-gradient-accumulation-fusion} and {@code --ckpt-format torch_dist}, which
 *       {@code --use-torch-fsdp2} requires;</li>
 *   <li>tensor or sequence parallelism needs {@code CUDA_DEVICE_MAX_CONNECTIONS=1} (before Blackwell), which the
 *       script exports (FSDP2 needs it unset or larger, so it is not exported there);</li>
 *   <li>a stack that overlaps tensor-parallel communication ({@link SoftwareStack#tpCommOverlap()}, e.g.
 *       {@code megatron-core-tp-overlap}) adds {@code --tp-comm-overlap} with {@code --transformer-impl
 *       transformer_engine}: {@code validate_args} accepts it only with {@code --sequence-parallel}, which it
 *       switches off at TP 1, and {@code megatron/training/initialize.py} ({@code _initialize_tp_communicators})
 *       needs Transformer Engine's userbuffers. A plan on such a stack with TP 1 or without sequence parallelism
 *       is exported without the flag, and the cost model predicts it without overlap
 *       ({@link SoftwareStack#overlapsTpCommunication}); the header says so.</li>
 * </ul>
 * {@code --use-flash-attn} is not written: current Megatron-LM picks the attention kernel itself.
 *
 * <pre>
 * Narayanan et al., SC 2021 (the arguments' semantics); Megatron-LM's README and megatron/training/arguments.py.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class MegatronExporter implements PlanExporter {
    /** Creates the exporter (stateless). */
    public MegatronExporter() {
    }

    @Override
    public String name() {
        return "megatron";
    }

    @Override
    public String fileName() {
        return "megatron-args.sh";
    }

    @Override
    public LaunchTarget target() {
        return LaunchTarget.MEGATRON;
    }

    @Override
    public String export(PlanRequest request, Plan plan) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(plan, "plan");
        ModelSpec model = request.model();
        ParallelConfig c = plan.config();
        String why = LaunchTarget.MEGATRON.whyNot(model, c);
        if (why != null) {
            throw new IllegalArgumentException("plan " + c.label() + " cannot be exported for Megatron-LM: " + why
                    + "; search with --target megatron for the best plan Megatron-LM can run");
        }
        TransformerSpec tf = model.transformer();
        List<String> args = arguments(request, plan);
        StringBuilder sb = new StringBuilder();
        sb.append("#!/usr/bin/env bash\n");
        sb.append("# Megatron-LM launch arguments written by dml4j plan.\n");
        sb.append("# plan: ").append(c.label()).append('\n');
        sb.append(String.format(Locale.ROOT, "# predicted: %.3f s per iteration, %.1f TFLOP/s per GPU, MFU %.1f%%, "
                        + "peak memory %.1f GiB per GPU (%s cost model)%n", plan.iterationSeconds(), plan.tflopsPerGpu(),
                100 * plan.mfu(), plan.peakMemoryBytes() / (1024.0 * 1024 * 1024), plan.costModel()));
        sb.append("# model: ").append(model.name()).append(", vocabulary ").append(tf.vocab())
                .append(" (set by your tokenizer); cluster: ").append(request.cluster().describe()).append('\n');
        SoftwareStack stack = request.stack();
        sb.append("# stack: ").append(stack.name()).append('\n');
        if (stack.tpCommOverlap() && !stack.overlapsTpCommunication(c.tp(), c.sequenceParallel())) {
            sb.append("# NOTE: no --tp-comm-overlap: Megatron-LM overlaps tensor-parallel communication only with "
                    + "TP > 1 and --sequence-parallel; the prediction is without overlap\n");
        }
        if (model.precision() == Precision.FP32 || model.precision() == Precision.TF32) {
            sb.append("# NOTE: the plan assumes ").append(model.precision().key()).append(" compute; bf16 is written "
                    + "because Megatron-LM trains in mixed precision\n");
        }
        sb.append("# Add your data, tokenizer, optimizer and checkpoint arguments to EXTRA_ARGS.\n");
        sb.append("set -euo pipefail\n");
        if (needsSingleConnection(c)) {
            sb.append("export CUDA_DEVICE_MAX_CONNECTIONS=1\n");
        }
        NodeGroup first = request.cluster().groups().get(0);
        sb.append("torchrun --nnodes ").append(request.cluster().nodes()).append(" --nproc-per-node ")
                .append(first.gpusPerNode()).append(" \\\n");
        sb.append("  --node-rank \"${NODE_RANK:-0}\" --master-addr \"${MASTER_ADDR:-localhost}\" --master-port \""
                + "${MASTER_PORT:-6000}\" \\\n");
        sb.append("  pretrain_gpt.py");
        for (String a : args) {
            sb.append(" \\\n  ").append(a);
        }
        sb.append(" \\\n  ${EXTRA_ARGS:-}\n");
        return sb.toString();
    }

    /** Tensor-parallel communication ordering needs one CUDA connection; FSDP2 needs more than one. */
    static boolean needsSingleConnection(ParallelConfig c) {
        return c.tp() > 1 && c.zeroStage() != 3;
    }

    /**
     * The {@code pretrain_gpt.py} arguments of a plan Megatron-LM can run, one argument (with its value) per entry.
     *
     * @param request the request
     * @param plan    the plan
     * @return the arguments
     */
    static List<String> arguments(PlanRequest request, Plan plan) {
        ModelSpec model = request.model();
        TransformerSpec tf = model.transformer();
        ParallelConfig c = plan.config();
        List<String> args = new ArrayList<>();
        arg(args, "--num-layers", tf.layers());
        arg(args, "--hidden-size", tf.hidden());
        arg(args, "--num-attention-heads", tf.heads());
        arg(args, "--ffn-hidden-size", tf.ffnHidden());
        arg(args, "--seq-length", tf.seqLength());
        arg(args, "--max-position-embeddings", tf.seqLength());
        if (tf.kvHeads() != tf.heads()) {
            args.add("--group-query-attention");
            arg(args, "--num-query-groups", tf.kvHeads());
        }
        if (tf.gatedFfn()) {
            args.add("--swiglu");
        }
        if (!tf.learnedPositions()) {
            args.add("--position-embedding-type rope");
        }
        if (!tf.tiedEmbeddings()) {
            args.add("--untie-embeddings-and-output-weights");
        }
        if (tf.moe() != null) {
            arg(args, "--num-experts", tf.moe().experts());
            arg(args, "--moe-router-topk", tf.moe().topK());
            arg(args, "--moe-ffn-hidden-size", tf.moe().expertFfnHidden());
            if (tf.moe().every() > 1) {
                args.add("--moe-layer-freq " + tf.moe().every());
            }
        }
        arg(args, "--micro-batch-size", c.microBatch());
        args.add("--global-batch-size " + request.globalBatch());
        arg(args, "--tensor-model-parallel-size", c.tp());
        arg(args, "--pipeline-model-parallel-size", c.pp());
        pipelineLayout(c, tf.layers(), args);
        if (c.sequenceParallel()) {
            args.add("--sequence-parallel");
        }
        if (request.stack().overlapsTpCommunication(c.tp(), c.sequenceParallel())) {
            args.add("--tp-comm-overlap");
            args.add("--transformer-impl transformer_engine");
        }
        if (c.ep() > 1) {
            arg(args, "--expert-model-parallel-size", c.ep());
        }
        if (c.recompute() == Recompute.FULL) {
            args.add("--recompute-granularity full");
            args.add("--recompute-method uniform");
            args.add("--recompute-num-layers 1");
        } else if (c.recompute() == Recompute.SELECTIVE) {
            args.add("--recompute-granularity selective");
        }
        if (c.zeroStage() == 1) {
            args.add("--use-distributed-optimizer");
        } else if (c.zeroStage() == 3) {
            args.add("--use-torch-fsdp2");
            args.add("--no-gradient-accumulation-fusion");
            args.add("--ckpt-format torch_dist");
        }
        if (c.overlapGradReduce() && c.dp() > 1) {
            args.add("--overlap-grad-reduce");
            if (c.zeroStage() == 1) {
                args.add("--overlap-param-gather");
            }
        }
        args.add(switch (model.precision()) {
            case FP16 -> "--fp16";
            case FP8 -> "--bf16 --fp8-format hybrid";
            default -> "--bf16";
        });
        return args;
    }

    private static void arg(List<String> args, String name, int value) {
        args.add(name + " " + value);
    }

    /** The arguments that give each pipeline stage (and virtual stage) its layers. */
    static void pipelineLayout(ParallelConfig c, int layers, List<String> args) {
        int p = c.pp();
        if (p == 1) {
            return;
        }
        int v = c.chunks();
        int[] s = c.layerSplit();
        if (s == null) {
            s = new int[p];
            java.util.Arrays.fill(s, layers / p);
        }
        boolean even = true;
        boolean multiples = true;
        for (int x : s) {
            even &= x == s[0];
            multiples &= x % v == 0;
        }
        if (even && multiples) {
            if (v > 1) {
                args.add("--num-layers-per-virtual-pipeline-stage " + s[0] / v);
            }
            return;
        }
        if (!even && multiples && middleEqual(s)) {
            if (v > 1) {
                args.add("--num-virtual-stages-per-pipeline-rank " + v);
            }
            args.add("--decoder-first-pipeline-num-layers " + s[0]);
            args.add("--decoder-last-pipeline-num-layers " + s[p - 1]);
            return;
        }
        args.add("--pipeline-model-parallel-layout " + layoutString(s, v));
    }

    private static boolean middleEqual(int[] s) {
        for (int i = 2; i < s.length - 1; i++) {
            if (s[i] != s[1]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Megatron-LM's {@code --pipeline-model-parallel-layout} for blocks per device {@code split} and {@code v} chunks:
     * virtual stages in the order {@code chunk * p + device}, separated by {@code |}, the embedding {@code E} in the
     * first and the loss {@code L} in the last. A device's blocks are spread over its chunks as evenly as possible;
     * the first device's smaller chunks come first (next to the embedding), the last device's last (next to the
     * loss).
     *
     * @param split blocks per device
     * @param v     chunks per device
     * @return the quoted layout string
     */
    static String layoutString(int[] split, int v) {
        int p = split.length;
        int[][] chunk = new int[p][v];
        for (int d = 0; d < p; d++) {
            int base = split[d] / v;
            int extra = split[d] % v;
            for (int ch = 0; ch < v; ch++) {
                // device 0: extras on its last chunks; every other device: on its first chunks
                boolean more = d == 0 ? ch >= v - extra : ch < extra;
                chunk[d][ch] = base + (more ? 1 : 0);
            }
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int ch = 0; ch < v; ch++) {
            for (int d = 0; d < p; d++) {
                if (ch > 0 || d > 0) {
                    sb.append('|');
                }
                if (ch == 0 && d == 0) {
                    sb.append('E');
                }
                int n = chunk[d][ch];
                if (n == 1) {
                    sb.append('t');
                } else if (n > 1) {
                    sb.append("t*").append(n);
                }
                if (ch == v - 1 && d == p - 1) {
                    sb.append('L');
                }
            }
        }
        return sb.append('"').toString();
    }
}
