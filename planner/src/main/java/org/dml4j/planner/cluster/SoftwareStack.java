package org.dml4j.planner.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The training software a plan runs on, as the cost model sees it: the same GPU sustains a different fraction of its
 * peak under different kernels (fused layers, sequence-parallel kernels, communication overlap), and ZeRO-3/FSDP
 * implementations gather parameters with different efficiency and prefetch.
 *
 * <p>{@code computeFactor} multiplies the GPU's achievable FLOP/s ({@link GpuType#efficiency()}, which is fitted
 * under {@code megatron-2021}, factor 1 by definition). {@code zeroBandwidthEfficiency} is the fraction of the
 * network bandwidth that ZeRO-3/FSDP's per-module all-gathers and reduce-scatters reach (NCCL rings over many nodes
 * with per-rank chunks of a few MB fall well short of line rate). {@code forwardPrefetch} says whether the
 * next module's gather runs while the current module computes in the forward pass: DeepSpeed's default prefetch bucket
 * ({@code stage3_prefetch_bucket_size} = 5e7 parameters) is far smaller than one transformer matrix of a large model,
 * so its forward gathers are exposed; FSDP2 prefetches one whole module. {@code tpCommOverlap} says whether
 * tensor-parallel communication runs beside the GEMMs it feeds (Megatron-LM's {@code --tp-comm-overlap}: Transformer
 * Engine's userbuffers split each sequence-parallel all-gather and reduce-scatter into chunks overlapped with the
 * chunks of the adjacent GEMM; it needs sequence parallelism). Each value's origin is in {@code source}; the
 * calibration and validation tables are in {@code docs/planner.md}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name                    the name used on the command line and in cluster files
 * @param computeFactor           multiplier of the GPU's achievable FLOP/s, in (0, 2]
 * @param zeroBandwidthEfficiency fraction of link bandwidth reached by ZeRO-3/FSDP collectives, in (0, 1]
 * @param forwardPrefetch         whether ZeRO-3/FSDP gathers overlap the forward compute
 * @param tpCommOverlap           whether sequence-parallel tensor-parallel collectives overlap the GEMMs
 * @param source                  where the values come from
 */
public record SoftwareStack(String name, double computeFactor, double zeroBandwidthEfficiency,
                            boolean forwardPrefetch, boolean tpCommOverlap, String source) {
    /**
     * Fitted on Korthikanti et al. (MLSys 2023) Table 5's four rows (A100, sequence parallelism with selective
     * recomputation, 22B to 1T), with the A100 efficiency fixed, by least squares on the log errors
     * ({@code CalibrationFit} in the tests).
     */
    public static final double MEGATRON_CORE_COMPUTE = 1.04;
    /**
     * Fitted, with the chunk half-size of the cost model's ZeRO-3 collectives, on the three GPT-3 175B ZeRO-3 rows of
     * Narayanan et al. (SC 2021) Table 2 (384, 768 and 1536 A100s): DeepSpeed's per-module gathers reached about 9%
     * of the ring bus bandwidth NCCL reaches across DGX nodes (about 0.7 of one 25 GB/s adapter per GPU), which
     * gives the published iteration-time floor. The 530B rows of the same table validate it.
     */
    public static final double DEEPSPEED_ZERO_BANDWIDTH = 0.09;

    /** The default stack. */
    public static final String DEFAULT = "megatron-core";

    private static final Map<String, SoftwareStack> BUILT_IN = build();

    /**
     * A stack without tensor-parallel communication overlap.
     *
     * @param name                    the name
     * @param computeFactor           compute factor
     * @param zeroBandwidthEfficiency ZeRO-3 bandwidth efficiency
     * @param forwardPrefetch         ZeRO-3 forward prefetch
     * @param source                  where the values come from
     */
    public SoftwareStack(String name, double computeFactor, double zeroBandwidthEfficiency, boolean forwardPrefetch,
                         String source) {
        this(name, computeFactor, zeroBandwidthEfficiency, forwardPrefetch, false, source);
    }

    /**
     * @param on whether tensor-parallel communication overlaps the GEMMs
     * @return a copy with that setting
     */
    public SoftwareStack withTpCommOverlap(boolean on) {
        return new SoftwareStack(name, computeFactor, zeroBandwidthEfficiency, forwardPrefetch, on, source);
    }

    /**
     * Whether a plan with tensor parallelism {@code tp} and sequence parallelism {@code sequenceParallel} runs with
     * its tensor-parallel collectives overlapped: only on a {@code tpCommOverlap} stack, and only with sequence
     * parallelism and {@code tp > 1} (Megatron-LM's {@code validate_args} switches sequence parallelism off at TP 1
     * and rejects {@code --tp-comm-overlap} without it; {@code megatron/training/arguments.py}, NVIDIA/Megatron-LM
     * d98e8a64ddf34856e74b24714e3bedb2f5a39553). The cost model and the Megatron-LM export use this one test, so a
     * plan is predicted with overlap exactly when it is exported with {@code --tp-comm-overlap}.
     *
     * @param tp               tensor-parallel size
     * @param sequenceParallel whether the plan uses sequence parallelism
     * @return whether the overlap applies
     */
    public boolean overlapsTpCommunication(int tp, boolean sequenceParallel) {
        return tpCommOverlap && sequenceParallel && tp > 1;
    }

    /** Validates, naming the field. */
    public SoftwareStack {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (!(computeFactor > 0 && computeFactor <= 2)) {
            throw new IllegalArgumentException("stack '" + name + "': compute-factor must be in (0, 2], got "
                    + computeFactor);
        }
        if (!(zeroBandwidthEfficiency > 0 && zeroBandwidthEfficiency <= 1)) {
            throw new IllegalArgumentException("stack '" + name + "': zero-bandwidth-efficiency must be in (0, 1], "
                    + "got " + zeroBandwidthEfficiency);
        }
    }

    private static Map<String, SoftwareStack> build() {
        Map<String, SoftwareStack> m = new LinkedHashMap<>();
        String zero = "ZeRO-3 gathers: bandwidth fitted on Narayanan et al., SC 2021, Table 2 (GPT-3 175B ZeRO-3 rows)";
        m.put("megatron-2021", new SoftwareStack("megatron-2021", 1.0, DEEPSPEED_ZERO_BANDWIDTH, true,
                "Megatron-LM as in Narayanan et al., SC 2021: the GPU efficiency factors are fitted under it"));
        m.put("megatron-core", new SoftwareStack("megatron-core", MEGATRON_CORE_COMPUTE, DEEPSPEED_ZERO_BANDWIDTH,
                true, "Megatron-LM/Megatron Core from 2022 (sequence-parallel and fused kernels): compute fitted on "
                + "Korthikanti et al., MLSys 2023, Table 5; FSDP2 prefetches one module; " + zero));
        m.put("megatron-core-tp-overlap", new SoftwareStack("megatron-core-tp-overlap", MEGATRON_CORE_COMPUTE,
                DEEPSPEED_ZERO_BANDWIDTH, true, true, "megatron-core run with --tp-comm-overlap (Transformer Engine "
                + "userbuffers), as the Megatron-LM README's H100 table states for its runs (NVIDIA/Megatron-LM "
                + "f2e5db40): compute factor of megatron-core; " + zero));
        m.put("deepspeed-zero", new SoftwareStack("deepspeed-zero", 1.0, DEEPSPEED_ZERO_BANDWIDTH, false,
                "DeepSpeed ZeRO-3 as run by Narayanan et al., SC 2021, Table 2: " + zero + "; default prefetch "
                + "bucket (5e7 parameters) leaves forward gathers exposed"));
        return Collections.unmodifiableMap(m);
    }

    /**
     * @return the built-in stack names
     */
    public static List<String> names() {
        return new ArrayList<>(BUILT_IN.keySet());
    }

    /**
     * @param name a stack name (case-insensitive)
     * @return the stack
     * @throws IllegalArgumentException naming the value and the known stacks
     */
    public static SoftwareStack get(String name) {
        SoftwareStack s = BUILT_IN.get(name == null ? "" : name.trim().toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("stack: unknown value '" + name + "'; known: "
                    + String.join(", ", BUILT_IN.keySet()));
        }
        return s;
    }

    /**
     * @return the default stack, {@value #DEFAULT}
     */
    public static SoftwareStack defaultStack() {
        return get(DEFAULT);
    }
}
