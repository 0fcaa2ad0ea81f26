package org.dml4j.planner;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A parallel execution plan with its predicted performance: iteration time, throughput per GPU, model FLOPs
 * utilisation, peak memory per GPU and where the time goes.
 *
 * <p>{@code tflopsPerGpu} counts the FLOPs actually executed, recomputation included, as Megatron-LM's table does
 * ({@code 96Bslh^2(1 + s/6h + V/16lh)} per iteration with full recomputation; Narayanan et al., SC 2021, section
 * 5.1). {@code mfu} is model FLOPs utilisation: model FLOPs without recomputation ({@code 3 x forward}) per second,
 * over the GPUs' summed peak (Chowdhery et al., "PaLM", 2022, appendix B).
 *
 * <p>Immutable and thread-safe.
 *
 * @param config            the configuration, with its layer split resolved
 * @param model             model name
 * @param cluster           cluster name
 * @param gpus              GPUs used
 * @param globalBatch       samples per iteration
 * @param microbatches      micro-batches per pipeline per iteration, {@code globalBatch / (dp * microBatch)}
 * @param iterationSeconds  predicted time of one iteration
 * @param tflopsPerGpu      executed TFLOP/s per GPU (recomputation counted)
 * @param mfu               model FLOPs utilisation in [0, 1]
 * @param peakMemoryBytes   peak memory of the most loaded GPU (relative to its memory)
 * @param memoryLimitBytes  that GPU's memory
 * @param memory            that GPU's memory by kind
 * @param time              the critical stage's time by kind
 * @param bubbleFraction    idle share of all pipeline devices' time
 * @param stages            per-stage summary
 * @param costModel         name of the cost model that made the prediction
 */
public record Plan(ParallelConfig config, String model, String cluster, int gpus, long globalBatch, int microbatches,
                   double iterationSeconds, double tflopsPerGpu, double mfu, double peakMemoryBytes,
                   double memoryLimitBytes, MemoryBreakdown memory, TimeBreakdown time, double bubbleFraction,
                   List<StageSummary> stages, String costModel) {
    /** Validates and copies. */
    public Plan {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(costModel, "costModel");
        stages = List.copyOf(stages);
        if (!(iterationSeconds > 0) || Double.isInfinite(iterationSeconds)) {
            throw new IllegalArgumentException("iteration time must be a finite number > 0, got " + iterationSeconds);
        }
    }

    /**
     * @return samples per second
     */
    public double samplesPerSecond() {
        return globalBatch / iterationSeconds;
    }

    /**
     * @return a one-line summary
     */
    public String summary() {
        return String.format(Locale.ROOT, "%s: %.3f s/iter, %.1f TFLOP/s per GPU, MFU %.1f%%, peak %.1f of %.1f GiB",
                config.label(), iterationSeconds, tflopsPerGpu, 100 * mfu, peakMemoryBytes / GIB,
                memoryLimitBytes / GIB);
    }

    private static final double GIB = 1024.0 * 1024 * 1024;
}
