package org.dml4j.parallel.moe;

/**
 * Time and traffic of one expert-parallel all-to-all (token dispatch; the combine step is its mirror image).
 *
 * @param seconds       time of one all-to-all, set by the busiest GPU
 * @param intraBytes    bytes moved between GPUs of the same node
 * @param interBytes    bytes crossing nodes
 * @param bottleneckGpu the GPU whose links take longest
 */
public record AllToAllEstimate(double seconds, double intraBytes, double interBytes, int bottleneckGpu) {
    /**
     * @return the all-to-all time per MoE layer and training step: dispatch and combine in the forward pass and
     *         again in the backward pass (spec section 4)
     */
    public double perLayerSeconds() {
        return 4 * seconds;
    }
}
