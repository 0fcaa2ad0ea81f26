package org.dml4j.planner;

/**
 * Where one iteration's time goes on the GPU that finishes last (the critical pipeline stage); the parts add up to
 * the iteration time. Communication that overlaps computation is not counted; only its exposed part is.
 *
 * <p>Immutable and thread-safe.
 *
 * @param compute        forward and backward kernels (matrix multiplications, attention, memory-bound kernels)
 * @param recompute      re-running forward work for recomputation
 * @param tensorParallel tensor (and sequence) parallel collectives
 * @param expertParallel expert-parallel all-to-alls
 * @param pipelineP2p    pipeline point-to-point sends on this stage
 * @param bubble         pipeline idle time of this stage
 * @param dataParallel   exposed data-parallel gradient reduction (all-reduce or reduce-scatter)
 * @param zeroGather     exposed ZeRO parameter all-gathers (stage 1-2: after the step; stage 3: before every
 *                       forward and backward)
 * @param compression    gradient encoding and decoding
 * @param optimizer      the optimizer step
 */
public record TimeBreakdown(double compute, double recompute, double tensorParallel, double expertParallel,
                            double pipelineP2p, double bubble, double dataParallel, double zeroGather,
                            double compression, double optimizer) {
    /**
     * @return the sum of the parts, which is the iteration time
     */
    public double total() {
        return compute + recompute + tensorParallel + expertParallel + pipelineP2p + bubble + dataParallel
                + zeroGather + compression + optimizer;
    }
}
