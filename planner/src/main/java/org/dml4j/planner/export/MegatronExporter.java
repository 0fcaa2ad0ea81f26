package org.dml4j.planner.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Recompute;
import org.dml4j.planner.cluster.NodeGroup;
import org.dml4j.planner.model.ModelSpec;
import org.dml4j.planner.model.TransformerSpec;

/**
 * Exports a plan as a Megatron-LM launch script: {@code torchrun} over the cluster's nodes running
 * {@code pretrain_gpt.py} with the model shape and the plan's parallel arguments
 * ({@code --tensor-model-parallel-size}, {@code --pipeline-model-parallel-size},
 * {@code --num-layers-per-virtual-pipeline-stage}, {@code --sequence-parallel}, {@code --expert-model-parallel-size},
 * {@code --recompute-granularity}, {@code --use-distributed-optimizer}, {@code --overlap-grad-reduce}, ...). Data,
 * tokenizer and learning-rate arguments are left to the user. Choices Megatron-LM cannot express (zero-bubble and
 * adaptive schedules, ZeRO-2, gradient compression, arbitrary uneven splits) are replaced by the nearest supported
 * setting and stated in a {@code NOTE} comment at the top.
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
    public String export(PlanRequest request, Plan plan) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(plan, "plan");
        ModelSpec model = request.model();
        TransformerSpec tf = model.transformer();
        if (tf == null) {
            throw new IllegalArgumentException("Megatron-LM export needs a transformer model; '" + model.name()
                    + "' is a generic layer list (use --export deepspeed)");
        }
        ParallelConfig c = plan.config();
        List<String> notes = new ArrayList<>();
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
        if (tf.flashAttention()) {
            args.add("--use-flash-attn");
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
        schedule(c, tf, args, notes);
        split(c, tf, args, notes);
        if (c.sequenceParallel()) {
            args.add("--sequence-parallel");
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
        switch (c.zeroStage()) {
            case 1 -> args.add("--use-distributed-optimizer");
            case 2 -> {
                args.add("--use-distributed-optimizer");
                notes.add("ZeRO stage 2 has no Megatron-LM equivalent; the distributed optimizer (stage 1) is used");
            }
            case 3 -> args.add("--use-torch-fsdp2");
            default -> {
            }
        }
        if (c.overlapGradReduce() && c.dp() > 1) {
            args.add("--overlap-grad-reduce");
            if (c.zeroStage() == 1) {
                args.add("--overlap-param-gather");
            }
        }
        if (!c.compression().isNone()) {
            notes.add("gradient compression '" + c.compression().name() + "' is not part of Megatron-LM; dense "
                    + "all-reduce is used (the predicted time assumes compression)");
        }
        args.add("--" + switch (model.precision()) {
            case FP16 -> "fp16";
            case FP8 -> "bf16 --fp8-format hybrid";
            case BF16 -> "bf16";
            default -> "bf16";
        });
        if (model.precision() == org.dml4j.planner.model.Precision.FP32
                || model.precision() == org.dml4j.planner.model.Precision.TF32) {
            notes.add("the plan assumes " + model.precision().key() + " compute; bf16 is written because Megatron-LM "
                    + "trains in mixed precision");
        }

        StringBuilder sb = new StringBuilder();
        sb.append("#!/usr/bin/env bash\n");
        sb.append("# Megatron-LM launch arguments written by dml4j plan.\n");
        sb.append("# plan: ").append(c.label()).append('\n');
        sb.append(String.format(Locale.ROOT, "# predicted: %.3f s per iteration, %.1f TFLOP/s per GPU, MFU %.1f%%, "
                        + "peak memory %.1f GiB per GPU (%s cost model)%n", plan.iterationSeconds(), plan.tflopsPerGpu(),
                100 * plan.mfu(), plan.peakMemoryBytes() / (1024.0 * 1024 * 1024), plan.costModel()));
        sb.append("# model: ").append(model.name()).append(", vocabulary ").append(tf.vocab())
                .append(" (set by your tokenizer); cluster: ").append(request.cluster().describe()).append('\n');
        for (String n : notes) {
            sb.append("# NOTE: ").append(n).append('\n');
        }
        sb.append("# Add your data, tokenizer, optimizer and checkpoint arguments to EXTRA_ARGS.\n");
        sb.append("set -euo pipefail\n");
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

    private static void arg(List<String> args, String name, int value) {
        args.add(name + " " + value);
    }

    private static void schedule(ParallelConfig c, TransformerSpec tf, List<String> args, List<String> notes) {
        if (c.pp() == 1) {
            return;
        }
        switch (c.schedule()) {
            case "1f1b" -> {
            }
            case "interleaved" -> args.add("--num-layers-per-virtual-pipeline-stage " + tf.layers() / (c.pp()
                    * c.chunks()));
            default -> {
                if (c.chunks() > 1 && tf.layers() % (c.pp() * c.chunks()) == 0) {
                    args.add("--num-layers-per-virtual-pipeline-stage " + tf.layers() / (c.pp() * c.chunks()));
                    notes.add("schedule " + c.schedule() + " is not in Megatron-LM; interleaved 1F1B with the same "
                            + "v = " + c.chunks() + " is used (dml4j predicts the plan's own schedule)");
                } else {
                    notes.add("schedule " + c.schedule() + " is not in Megatron-LM; 1F1B is used (dml4j predicts "
                            + "the plan's own schedule)");
                }
            }
        }
    }

    private static void split(ParallelConfig c, TransformerSpec tf, List<String> args, List<String> notes) {
        int[] s = c.layerSplit();
        if (s == null || c.pp() == 1) {
            return;
        }
        boolean even = true;
        for (int x : s) {
            even &= x == s[0];
        }
        if (even) {
            return;
        }
        int p = s.length;
        boolean middleEqual = true;
        for (int i = 2; i < p - 1; i++) {
            middleEqual &= s[i] == s[1];
        }
        if (p >= 3 && middleEqual) {
            args.add("--decoder-first-pipeline-num-layers " + s[0]);
            args.add("--decoder-last-pipeline-num-layers " + s[p - 1]);
        } else if (p == 2) {
            args.add("--decoder-first-pipeline-num-layers " + s[0]);
            args.add("--decoder-last-pipeline-num-layers " + s[1]);
        } else {
            notes.add("uneven split " + java.util.Arrays.toString(s) + " needs a custom "
                    + "--pipeline-model-parallel-layout; the first and last stage sizes are written");
            args.add("--decoder-first-pipeline-num-layers " + s[0]);
            args.add("--decoder-last-pipeline-num-layers " + s[p - 1]);
        }
    }
}
