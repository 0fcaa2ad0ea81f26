/**
 * Cluster descriptions for the planner: GPU types with peak FLOP/s per precision, memory and one achievable-efficiency
 * factor each ({@link org.dml4j.planner.cluster.GpuCatalog}), node groups with intra- and inter-node bandwidth and
 * latency ({@link org.dml4j.planner.cluster.NodeGroup}), mixed GPU types in rank order
 * ({@link org.dml4j.planner.cluster.ClusterSpec}), presets and JSON files.
 *
 * <pre>
 * Narayanan et al., SC 2021 (the DGX A100 cluster of the Megatron-LM table).
 * </pre>
 */
package org.dml4j.planner.cluster;
