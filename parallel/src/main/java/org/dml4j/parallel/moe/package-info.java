/**
 * Mixture-of-experts placement on expert-parallel GPUs (spec section 5).
 *
 * <ul>
 *   <li>{@link org.dml4j.parallel.moe.PlacementProblem} in, {@link org.dml4j.parallel.moe.ExpertPlacement} out,
 *       through an {@link org.dml4j.parallel.moe.ExpertPlacer}: the baselines
 *       {@link org.dml4j.parallel.moe.RoundRobinPlacer} (static, no replicas) and
 *       {@link org.dml4j.parallel.moe.GreedyReplicationPlacer} (EPLB), and our
 *       {@link org.dml4j.parallel.moe.BalancedPlacer};</li>
 *   <li>{@link org.dml4j.parallel.moe.RoutingTrace}s in the versioned
 *       {@link org.dml4j.parallel.moe.RoutingTraceFormat}, or synthetic from
 *       {@link org.dml4j.parallel.moe.ZipfTraceGenerator};</li>
 *   <li>{@link org.dml4j.parallel.moe.WindowedReplacement} over a trace with migration costs, and
 *       {@link org.dml4j.parallel.moe.AllToAllModel} for the all-to-all time on a
 *       {@link org.dml4j.parallel.moe.Topology}.</li>
 * </ul>
 *
 * <pre>
 * Lepikhin et al., "GShard", ICLR 2021; Fedus et al., "Switch Transformers", JMLR 2022; DeepSeek-AI, EPLB, 2025;
 * He et al., "FasterMoE", PPoPP 2022; Nie et al., "FlexMoE", SIGMOD 2023.
 * </pre>
 */
package org.dml4j.parallel.moe;
