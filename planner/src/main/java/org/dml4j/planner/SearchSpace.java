package org.dml4j.planner;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which plans the search considers, and the few knobs of the memory model. Every dimension can be restricted; an
 * empty or {@code null} size list means "every size that fits the model and cluster". The defaults search
 * everything except:
 * <ul>
 *   <li>GPipe, which is never faster than 1F1B and always needs more memory (Narayanan et al., SC 2021, section 2.2;
 *       add "gpipe" to {@code schedules} to include it);</li>
 *   <li>tensor parallelism across nodes (Megatron-LM's rule: keep TP inside a node);</li>
 *   <li>ZeRO stages 2 and 3 together with pipeline parallelism (DeepSpeed forbids it: gradients would be
 *       reduce-scattered for every micro-batch);</li>
 *   <li>turning sequence parallelism off when {@code tp > 1} (it moves the same bytes and stores less;
 *       Korthikanti et al. 2022);</li>
 *   <li>the adaptive schedule when {@code p * m} exceeds {@code adaptiveOpsLimit} (its own search makes it
 *       expensive to build).</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param tensorParallel    TP sizes to try, or empty for all
 * @param pipelineParallel  PP sizes to try, or empty for all
 * @param expertParallel    EP sizes to try, or empty for all
 * @param microBatches      micro-batch sizes to try, or empty for all divisors up to {@code maxMicroBatch}
 * @param maxMicroBatch     largest micro-batch size tried when {@code microBatches} is empty
 * @param schedules         pipeline schedule names
 * @param maxChunks         largest {@code v} for interleaved schedules (the defaults: {@link #DEFAULT_MAX_CHUNKS})
 * @param recompute         recomputation policies
 * @param zeroStages        ZeRO stages
 * @param compressions      data-parallel gradient compressors ({@link GradientCompression#NONE} for none)
 * @param sequenceParallel  sequence-parallel settings tried when {@code tp > 1}
 * @param overlapGradReduce whether gradient reduction overlaps the backward pass
 * @param unevenSplits      whether 1-chunk schedules may split blocks unevenly across stages
 * @param reservedMemory    bytes per GPU kept for the CUDA context, communication buffers and fragmentation
 * @param adaptiveOpsLimit  largest {@code p * m} for which the adaptive schedule is tried
 * @param target            the stack the plans must launch on ({@link LaunchTarget#ANY}: no restriction)
 */
public record SearchSpace(List<Integer> tensorParallel, List<Integer> pipelineParallel, List<Integer> expertParallel,
                          List<Integer> microBatches, int maxMicroBatch, List<String> schedules, int maxChunks,
                          Set<Recompute> recompute, Set<Integer> zeroStages, List<GradientCompression> compressions,
                          Set<Boolean> sequenceParallel, boolean overlapGradReduce, boolean unevenSplits,
                          double reservedMemory, int adaptiveOpsLimit, LaunchTarget target) {
    /** The default reserve: 2 GiB per GPU. */
    public static final double DEFAULT_RESERVED_MEMORY = 2.0 * 1024 * 1024 * 1024;
    /** Default schedules: every published one but GPipe, and our adaptive one. */
    public static final List<String> DEFAULT_SCHEDULES = List.of("1f1b", "interleaved", "zb-h1", "zb-h2", "zb-v",
            "adaptive");

    /** Validates and copies. */
    public SearchSpace {
        tensorParallel = sizes("tensor-parallel", tensorParallel);
        pipelineParallel = sizes("pipeline-parallel", pipelineParallel);
        expertParallel = sizes("expert-parallel", expertParallel);
        microBatches = sizes("micro-batches", microBatches);
        if (maxMicroBatch < 1) {
            throw new IllegalArgumentException("max micro-batch must be >= 1, got " + maxMicroBatch);
        }
        schedules = List.copyOf(Objects.requireNonNull(schedules, "schedules"));
        if (schedules.isEmpty()) {
            throw new IllegalArgumentException("schedules must not be empty");
        }
        if (maxChunks < 2) {
            throw new IllegalArgumentException("max chunks must be >= 2, got " + maxChunks);
        }
        recompute = Set.copyOf(Objects.requireNonNull(recompute, "recompute"));
        if (recompute.isEmpty()) {
            throw new IllegalArgumentException("recompute must not be empty");
        }
        zeroStages = Set.copyOf(new TreeSet<>(Objects.requireNonNull(zeroStages, "zeroStages")));
        if (zeroStages.isEmpty()) {
            throw new IllegalArgumentException("zero stages must not be empty");
        }
        for (int z : zeroStages) {
            if (z < 0 || z > 3) {
                throw new IllegalArgumentException("zero stages must be in 0..3, got " + z);
            }
        }
        compressions = List.copyOf(Objects.requireNonNull(compressions, "compressions"));
        if (compressions.isEmpty()) {
            throw new IllegalArgumentException("compressions must not be empty (use none)");
        }
        sequenceParallel = Set.copyOf(Objects.requireNonNull(sequenceParallel, "sequenceParallel"));
        if (sequenceParallel.isEmpty()) {
            throw new IllegalArgumentException("sequence-parallel settings must not be empty");
        }
        if (!(reservedMemory >= 0) || Double.isInfinite(reservedMemory)) {
            throw new IllegalArgumentException("reserved memory must be a finite number >= 0, got " + reservedMemory);
        }
        Objects.requireNonNull(target, "target");
        if (adaptiveOpsLimit < 0) {
            throw new IllegalArgumentException("adaptive ops limit must be >= 0, got " + adaptiveOpsLimit);
        }
    }

    private static List<Integer> sizes(String field, List<Integer> v) {
        if (v == null) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>(new TreeSet<>(v));
        for (int x : out) {
            if (x < 1) {
                throw new IllegalArgumentException(field + " sizes must be >= 1, got " + x);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Largest interleaving depth searched by default: every {@code v} the schedule simulator can run
     * ({@link org.dml4j.parallel.pipeline.Op#MAX_CHUNK} + 1), so one layer per virtual stage, which Megatron-LM runs
     * ({@code --num-layers-per-virtual-pipeline-stage 1}), is searched whenever it divides the layers: a stage of 23
     * layers (the 119B model of Megatron-LM's H100 table on 4 stages) interleaves only with {@code v = 23}.
     */
    public static final int DEFAULT_MAX_CHUNKS = org.dml4j.parallel.pipeline.Op.MAX_CHUNK + 1;

    /**
     * @return the default space: everything, with the exclusions listed in the class comment
     */
    public static SearchSpace defaults() {
        return new SearchSpace(List.of(), List.of(), List.of(), List.of(), 16, DEFAULT_SCHEDULES, DEFAULT_MAX_CHUNKS,
                EnumSet.allOf(Recompute.class), Set.of(0, 1, 2, 3), GradientCompression.presets(), Set.of(true),
                true, true, DEFAULT_RESERVED_MEMORY, 2048, LaunchTarget.ANY);
    }

    /**
     * @param tp TP sizes
     * @return a copy restricted to them
     */
    public SearchSpace withTensorParallel(List<Integer> tp) {
        return new SearchSpace(tp, pipelineParallel, expertParallel, microBatches, maxMicroBatch, schedules, maxChunks,
                recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param pp PP sizes
     * @return a copy restricted to them
     */
    public SearchSpace withPipelineParallel(List<Integer> pp) {
        return new SearchSpace(tensorParallel, pp, expertParallel, microBatches, maxMicroBatch, schedules, maxChunks,
                recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param ep EP sizes
     * @return a copy restricted to them
     */
    public SearchSpace withExpertParallel(List<Integer> ep) {
        return new SearchSpace(tensorParallel, pipelineParallel, ep, microBatches, maxMicroBatch, schedules, maxChunks,
                recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param mb micro-batch sizes
     * @return a copy restricted to them
     */
    public SearchSpace withMicroBatches(List<Integer> mb) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, mb, maxMicroBatch, schedules,
                maxChunks, recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param max largest micro-batch size
     * @return a copy with it
     */
    public SearchSpace withMaxMicroBatch(int max) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, max, schedules,
                maxChunks, recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param s schedule names
     * @return a copy with them
     */
    public SearchSpace withSchedules(List<String> s) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch, s,
                maxChunks, recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param r recomputation policies
     * @return a copy with them
     */
    public SearchSpace withRecompute(Set<Recompute> r) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, r, zeroStages, compressions, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param z ZeRO stages
     * @return a copy with them
     */
    public SearchSpace withZeroStages(Set<Integer> z) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, recompute, z, compressions, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param c compressors
     * @return a copy with them
     */
    public SearchSpace withCompressions(List<GradientCompression> c) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, recompute, zeroStages, c, sequenceParallel, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param sp sequence-parallel settings
     * @return a copy with them
     */
    public SearchSpace withSequenceParallel(Set<Boolean> sp) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, recompute, zeroStages, compressions, sp, overlapGradReduce, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param on overlap gradient reduction
     * @return a copy with it
     */
    public SearchSpace withOverlapGradReduce(boolean on) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, recompute, zeroStages, compressions, sequenceParallel, on, unevenSplits,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param on allow uneven splits
     * @return a copy with it
     */
    public SearchSpace withUnevenSplits(boolean on) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce, on,
                reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param bytes reserved memory per GPU
     * @return a copy with it
     */
    public SearchSpace withReservedMemory(double bytes) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce,
                unevenSplits, bytes, adaptiveOpsLimit, target);
    }

    /**
     * @param limit largest {@code p * m} for the adaptive schedule
     * @return a copy with it
     */
    public SearchSpace withAdaptiveOpsLimit(int limit) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce,
                unevenSplits, reservedMemory, limit, target);
    }

    /**
     * @param max largest v
     * @return a copy with it
     */
    public SearchSpace withMaxChunks(int max) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, max, recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce,
                unevenSplits, reservedMemory, adaptiveOpsLimit, target);
    }

    /**
     * @param t the stack the plans must launch on
     * @return a copy keeping only plans it can run
     */
    public SearchSpace withTarget(LaunchTarget t) {
        return new SearchSpace(tensorParallel, pipelineParallel, expertParallel, microBatches, maxMicroBatch,
                schedules, maxChunks, recompute, zeroStages, compressions, sequenceParallel, overlapGradReduce,
                unevenSplits, reservedMemory, adaptiveOpsLimit, t);
    }
}
