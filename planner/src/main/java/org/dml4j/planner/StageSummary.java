package org.dml4j.planner;

/**
 * One pipeline stage of a plan: its GPU type, the blocks it holds, its busy time and its peak memory per GPU.
 *
 * <p>Immutable and thread-safe.
 *
 * @param stage            stage index
 * @param gpuType          GPU type of the stage's devices (the slowest when a stage spans types)
 * @param firstBlock       index of its first block
 * @param blocks           blocks it holds
 * @param busySeconds      compute and blocking communication per iteration
 * @param memoryBytes      peak memory per GPU
 * @param memoryLimitBytes memory of its GPUs
 */
public record StageSummary(int stage, String gpuType, int firstBlock, int blocks, double busySeconds,
                           double memoryBytes, double memoryLimitBytes) {
}
