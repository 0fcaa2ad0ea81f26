/**
 * Splitting a model's layers into pipeline stages: {@link org.dml4j.parallel.partition.StagePartitioner} finds the
 * exact minimum-bottleneck contiguous split for per-layer {@link org.dml4j.parallel.partition.LayerCosts} on
 * heterogeneous {@link org.dml4j.parallel.partition.DeviceSpecs} (speeds, memory limits), and a
 * {@link org.dml4j.parallel.partition.Partition} turns into {@link org.dml4j.parallel.pipeline.StageCosts} for the
 * pipeline simulator.
 *
 * <pre>
 * Bokhari, IEEE TC 1988; Narayanan et al., "PipeDream", SOSP 2019; Fan et al., "DAPPLE", PPoPP 2021.
 * </pre>
 */
package org.dml4j.parallel.partition;
