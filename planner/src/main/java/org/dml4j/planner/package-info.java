/**
 * Automatic execution planning: given a model ({@link org.dml4j.planner.model}) and a cluster
 * ({@link org.dml4j.planner.cluster}), search data, tensor, pipeline and expert parallelism, micro-batch size,
 * pipeline schedule, recomputation, ZeRO stage and gradient compression ({@link org.dml4j.planner.SearchSpace},
 * {@link org.dml4j.planner.BranchAndBoundSearch}) under a pluggable {@link org.dml4j.planner.CostModel}, and return
 * the best {@link org.dml4j.planner.Plan}s, ready to export as Megatron-LM arguments or a DeepSpeed configuration
 * ({@link org.dml4j.planner.export}).
 *
 * <pre>
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021.
 * Rajbhandari et al., "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models", SC 2020.
 * Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models", MLSys 2023.
 * Qi et al., "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024.
 * Zheng et al., "Alpa", OSDI 2022; Li et al., "AMP", NeurIPS 2022; Um et al., "Metis", ATC 2024 (planners).
 * </pre>
 */
package org.dml4j.planner;
