package org.dml4j.planner;

import java.util.Locale;
import org.dml4j.planner.model.ModelSpec;
import org.dml4j.planner.model.Precision;
import org.dml4j.planner.model.TransformerSpec;

/**
 * The training stack a plan must be launchable on. {@link #ANY} searches everything the cost model knows;
 * {@link #MEGATRON} and {@link #DEEPSPEED} keep only plans that stack can run as exported, so the search returns
 * the best plan it can actually launch (and the prediction printed is that of what is exported).
 *
 * <p>What each stack can run, read from its source:
 * <ul>
 *   <li>Megatron-LM ({@code megatron/training/arguments.py} and {@code megatron/core/transformer/transformer_config.py},
 *       NVIDIA/Megatron-LM commit d98e8a64ddf34856e74b24714e3bedb2f5a39553): transformer models only; schedules
 *       1F1B and interleaved 1F1B (no zero-bubble schedules); ZeRO 0, 1 ({@code --use-distributed-optimizer}) and
 *       3 through {@code --use-torch-fsdp2}, which the argument validation allows only without pipeline and expert
 *       parallelism, without fp16 and with untied embeddings (a tied model would have to change to run it); no
 *       ZeRO-2 and no gradient compression.</li>
 *   <li>DeepSpeed ({@code deepspeed/runtime/pipe/schedule.py} {@code TrainSchedule} is 1F1B;
 *       {@code deepspeed/runtime/pipe/engine.py} rejects ZeRO-2/3 with pipeline parallelism; deepspeedai/DeepSpeed
 *       commit edaa7221267243c7be7fb49c5d5f5c4fb97b4641): schedules 1F1B only (no interleaving, no zero-bubble),
 *       ZeRO 0-3 without a pipeline and 0-1 with one, no top-k/QSGD gradient compression.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public enum LaunchTarget {
    /** No restriction: every plan the cost model can evaluate. */
    ANY,
    /** Plans Megatron-LM can launch from the exported arguments. */
    MEGATRON,
    /** Plans DeepSpeed (with Megatron-DeepSpeed model code) can launch from the exported JSON. */
    DEEPSPEED;

    /**
     * @return the lower-case name used on the command line
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value "any", "megatron" or "deepspeed" (case-insensitive)
     * @return the target
     * @throws IllegalArgumentException naming the value and the known ones
     */
    public static LaunchTarget parse(String value) {
        for (LaunchTarget t : values()) {
            if (t.key().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("target: unknown value '" + value + "'; known: any, megatron, deepspeed");
    }

    /**
     * @param model  the model
     * @param config a configuration
     * @return why this stack cannot run the configuration as exported, or {@code null} when it can
     */
    public String whyNot(ModelSpec model, ParallelConfig config) {
        return switch (this) {
            case ANY -> null;
            case MEGATRON -> megatron(model, config);
            case DEEPSPEED -> deepspeed(config);
        };
    }

    /**
     * @param model  the model
     * @param config a configuration
     * @return whether this stack can run it
     */
    public boolean runs(ModelSpec model, ParallelConfig config) {
        return whyNot(model, config) == null;
    }

    /**
     * @param model a model
     * @return why this stack cannot train the model in any configuration, or {@code null} when some may do
     */
    public String whyNotModel(ModelSpec model) {
        if (this == MEGATRON && model.transformer() == null) {
            return "Megatron-LM trains transformer models; '" + model.name() + "' is a generic layer list";
        }
        return null;
    }

    private static String megatron(ModelSpec model, ParallelConfig c) {
        String no = MEGATRON.whyNotModel(model);
        if (no != null) {
            return no;
        }
        TransformerSpec tf = model.transformer();
        String s = c.schedule();
        if (!s.equals(ParallelConfig.NO_PIPELINE) && !s.equals("1f1b") && !s.equals("interleaved")) {
            return "schedule " + s + " is not in Megatron-LM (it runs 1F1B and interleaved 1F1B)";
        }
        if (c.zeroStage() == 2) {
            return "ZeRO stage 2 has no Megatron-LM argument (the distributed optimizer is stage 1, FSDP2 stage 3)";
        }
        if (c.zeroStage() == 3) {
            if (c.pp() > 1 || c.ep() > 1) {
                return "--use-torch-fsdp2 (ZeRO-3) is not supported with pipeline or expert parallelism";
            }
            if (tf.tiedEmbeddings()) {
                return "--use-torch-fsdp2 (ZeRO-3) requires untied embeddings; model '" + model.name() + "' ties them";
            }
            if (model.precision() == Precision.FP16) {
                return "--use-torch-fsdp2 (ZeRO-3) is not supported with fp16";
            }
        }
        if (!c.compression().isNone()) {
            return "gradient compression '" + c.compression().name() + "' is not part of Megatron-LM";
        }
        if (c.ep() > 1 && model.precision() == Precision.FP16) {
            return "expert parallelism is not supported with fp16 in Megatron-LM";
        }
        return null;
    }

    private static String deepspeed(ParallelConfig c) {
        String s = c.schedule();
        if (!s.equals(ParallelConfig.NO_PIPELINE) && !s.equals("1f1b")) {
            return "schedule " + s + " is not in DeepSpeed (its pipeline engine runs 1F1B)";
        }
        if (c.pp() > 1 && c.zeroStage() >= 2) {
            return "DeepSpeed rejects ZeRO-" + c.zeroStage() + " with pipeline parallelism";
        }
        if (!c.compression().isNone()) {
            return "gradient compression '" + c.compression().name() + "' is not a DeepSpeed configuration option";
        }
        return null;
    }
}
