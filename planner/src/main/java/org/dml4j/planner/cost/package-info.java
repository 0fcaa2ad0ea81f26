/**
 * The default cost model, {@link org.dml4j.planner.cost.AnalyticCostModel}: closed forms for compute, memory traffic
 * and collectives ({@link org.dml4j.planner.cost.Collectives}), the {@code parallel} module's partitioner, schedules
 * and timeline simulator for the pipeline, ZeRO and recomputation memory.
 *
 * <pre>
 * Narayanan et al., SC 2021; Korthikanti et al. 2022; Rajbhandari et al., "ZeRO", SC 2020;
 * Thakur, Rabenseifner, Gropp, IJHPCA 2005 (collectives).
 * </pre>
 */
package org.dml4j.planner.cost;
