package org.dml4j.planner;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * One parallel execution plan's choices: tensor ({@code tp}), pipeline ({@code pp}), data ({@code dp}) and expert
 * ({@code ep}, a divisor of {@code dp}: expert-parallel groups are carved out of the data-parallel group, as in
 * Megatron-LM and DeepSpeed-MoE) parallel sizes, micro-batch size, pipeline schedule and model chunks per device
 * ({@code v}), activation recomputation, ZeRO stage, sequence parallelism, data-parallel gradient compression,
 * whether gradient reduction overlaps the backward pass, and the number of blocks per pipeline stage (uneven splits
 * allowed; {@code null} lets the cost model choose with the {@code parallel} module's exact partitioner).
 *
 * <p>The schedule is a {@link org.dml4j.parallel.pipeline.PipelineScheduler} name ("1f1b", "interleaved", "zb-h1",
 * "zb-h2", "zb-v", "v-half", "v-min", "dualpipev", "gpipe", "adaptive") or "none" when {@code pp = 1} (plain
 * gradient accumulation).
 *
 * <pre>
 * Narayanan et al., SC 2021 (PTD-P: tensor, pipeline, data); Rajbhandari et al., "ZeRO", SC 2020 (stages 1-3);
 * Korthikanti et al. 2022 (sequence parallelism, selective recomputation); Rasley et al., DeepSpeed (MoE).
 * </pre>
 *
 * <p>Immutable and thread-safe; {@link #layerSplit()} returns a copy.
 *
 * @param tp                tensor-parallel size
 * @param pp                pipeline stages
 * @param dp                data-parallel size
 * @param ep                expert-parallel size (1 for dense models)
 * @param microBatch        samples per micro-batch
 * @param schedule          pipeline schedule name, "none" when {@code pp = 1}
 * @param chunks            model chunks per device {@code v}
 * @param recompute         recomputation policy
 * @param zeroStage         ZeRO stage 0-3 (1 is Megatron-LM's distributed optimizer)
 * @param sequenceParallel  whether sequence parallelism is on (needs {@code tp > 1})
 * @param compression       data-parallel gradient compression
 * @param overlapGradReduce whether gradient reduction overlaps the backward pass
 * @param layerSplit        blocks per pipeline stage, or {@code null} to let the cost model choose
 */
public record ParallelConfig(int tp, int pp, int dp, int ep, int microBatch, String schedule, int chunks,
                             Recompute recompute, int zeroStage, boolean sequenceParallel,
                             GradientCompression compression, boolean overlapGradReduce, int[] layerSplit) {
    /** The schedule name used when there is no pipeline. */
    public static final String NO_PIPELINE = "none";

    /** Validates the values on their own (their fit to a model and cluster is checked by the cost model). */
    public ParallelConfig {
        positive("tp", tp);
        positive("pp", pp);
        positive("dp", dp);
        positive("ep", ep);
        positive("micro-batch", microBatch);
        positive("chunks (v)", chunks);
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(recompute, "recompute");
        Objects.requireNonNull(compression, "compression");
        if (dp % ep != 0) {
            throw new IllegalArgumentException("ep (" + ep + ") must divide dp (" + dp + ")");
        }
        if (zeroStage < 0 || zeroStage > 3) {
            throw new IllegalArgumentException("zero stage must be 0, 1, 2 or 3, got " + zeroStage);
        }
        if (pp == 1 && !NO_PIPELINE.equals(schedule)) {
            throw new IllegalArgumentException("schedule must be '" + NO_PIPELINE + "' when pp = 1, got '" + schedule
                    + "'");
        }
        if (pp > 1 && NO_PIPELINE.equals(schedule)) {
            throw new IllegalArgumentException("schedule must name a pipeline schedule when pp = " + pp);
        }
        if (pp == 1 && chunks != 1) {
            throw new IllegalArgumentException("chunks (v) must be 1 when pp = 1, got " + chunks);
        }
        if (sequenceParallel && tp == 1) {
            throw new IllegalArgumentException("sequence parallelism needs tp > 1");
        }
        if (!compression.isNone() && zeroStage > 0) {
            throw new IllegalArgumentException("gradient compression '" + compression.name() + "' needs zero stage 0 "
                    + "(ZeRO's reduce-scatter carries dense gradients), got stage " + zeroStage);
        }
        if (layerSplit != null) {
            layerSplit = layerSplit.clone();
            if (layerSplit.length != pp) {
                throw new IllegalArgumentException("layer split must have pp = " + pp + " entries, got "
                        + layerSplit.length);
            }
            for (int i = 0; i < layerSplit.length; i++) {
                if (layerSplit[i] < 1) {
                    throw new IllegalArgumentException("layer split[" + i + "] must be >= 1, got " + layerSplit[i]);
                }
            }
        }
    }

    private static void positive(String field, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + v);
        }
    }

    /**
     * A Megatron-LM-style configuration: no expert parallelism, ZeRO 0, no compression, no overlap, layers chosen
     * by the cost model.
     *
     * @param tp         tensor-parallel size
     * @param pp         pipeline stages
     * @param dp         data-parallel size
     * @param microBatch micro-batch size
     * @param schedule   schedule name
     * @param chunks     chunks per device
     * @param recompute  recomputation
     * @return the configuration
     */
    public static ParallelConfig megatron(int tp, int pp, int dp, int microBatch, String schedule, int chunks,
                                          Recompute recompute) {
        return new ParallelConfig(tp, pp, dp, 1, microBatch, schedule, chunks, recompute, 0, false,
                GradientCompression.NONE, false, null);
    }

    /**
     * @return blocks per stage, or {@code null} when the cost model chooses
     */
    @Override
    public int[] layerSplit() {
        return layerSplit == null ? null : layerSplit.clone();
    }

    /**
     * @return the GPUs the plan uses, {@code tp * pp * dp}
     */
    public int gpus() {
        return tp * pp * dp;
    }

    /**
     * @param split blocks per stage
     * @return a copy with that split
     */
    public ParallelConfig withLayerSplit(int[] split) {
        return new ParallelConfig(tp, pp, dp, ep, microBatch, schedule, chunks, recompute, zeroStage,
                sequenceParallel, compression, overlapGradReduce, split);
    }

    /**
     * @param z ZeRO stage
     * @return a copy with it
     */
    public ParallelConfig withZeroStage(int z) {
        return new ParallelConfig(tp, pp, dp, ep, microBatch, schedule, chunks, recompute, z, sequenceParallel,
                compression, overlapGradReduce, layerSplit);
    }

    /**
     * @param on overlap gradient reduction
     * @return a copy with it
     */
    public ParallelConfig withOverlap(boolean on) {
        return new ParallelConfig(tp, pp, dp, ep, microBatch, schedule, chunks, recompute, zeroStage,
                sequenceParallel, compression, on, layerSplit);
    }

    /**
     * @return a short label, e.g. "tp8 pp35 dp9 mb1 interleaved v3 full zero0 sp"
     */
    public String label() {
        StringBuilder sb = new StringBuilder();
        sb.append("tp").append(tp).append(" pp").append(pp).append(" dp").append(dp);
        if (ep > 1) {
            sb.append(" ep").append(ep);
        }
        sb.append(" mb").append(microBatch).append(' ').append(schedule);
        if (chunks > 1) {
            sb.append(" v").append(chunks);
        }
        sb.append(' ').append(recompute.key()).append(" zero").append(zeroStage);
        if (sequenceParallel) {
            sb.append(" sp");
        }
        if (!compression.isNone()) {
            sb.append(' ').append(compression.name());
        }
        if (overlapGradReduce) {
            sb.append(" overlap");
        }
        if (layerSplit != null && !even(layerSplit)) {
            sb.append(" split").append(Arrays.toString(layerSplit).replace(" ", ""));
        }
        return sb.toString();
    }

    private static boolean even(int[] split) {
        for (int s : split) {
            if (s != split[0]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParallelConfig c && tp == c.tp && pp == c.pp && dp == c.dp && ep == c.ep
                && microBatch == c.microBatch && schedule.equals(c.schedule) && chunks == c.chunks
                && recompute == c.recompute && zeroStage == c.zeroStage && sequenceParallel == c.sequenceParallel
                && compression.equals(c.compression) && overlapGradReduce == c.overlapGradReduce
                && Arrays.equals(layerSplit, c.layerSplit);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tp, pp, dp, ep, microBatch, schedule, chunks, recompute, zeroStage, sequenceParallel,
                compression, overlapGradReduce, Arrays.hashCode(layerSplit));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ParallelConfig[%s]", label());
    }
}
