package org.dml4j.planner;

/**
 * Peak memory of one GPU, in bytes, by kind. Mixed-precision Adam stores 2 bytes of weights, 2 of gradients and 12
 * of FP32 master weights and moments per parameter (Rajbhandari et al., "ZeRO", SC 2020, section 3.1); ZeRO stage 1
 * shards the 12 over the data-parallel group, stage 2 also the gradients, stage 3 also the weights.
 *
 * <p>Immutable and thread-safe.
 *
 * @param weights     model weights (plus ZeRO-3's gathered-weight buffers)
 * @param gradients   gradients
 * @param optimizer   FP32 master weights and Adam moments
 * @param activations activations kept for the backward pass at the schedule's peak
 * @param working     transient buffers: one layer's full activations during its backward
 * @param other       error-feedback residuals and the runtime reserve (CUDA context, communication buffers,
 *                    allocator fragmentation)
 */
public record MemoryBreakdown(double weights, double gradients, double optimizer, double activations, double working,
                              double other) {
    /**
     * @return the sum of the parts
     */
    public double total() {
        return weights + gradients + optimizer + activations + working + other;
    }
}
