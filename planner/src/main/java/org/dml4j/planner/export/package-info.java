/**
 * Exporters that turn a {@link org.dml4j.planner.Plan} into launchable configuration: Megatron-LM arguments
 * ({@link org.dml4j.planner.export.MegatronExporter}) and a DeepSpeed JSON configuration
 * ({@link org.dml4j.planner.export.DeepSpeedExporter}), selected by name through
 * {@link org.dml4j.planner.export.PlanExporters}.
 *
 * <pre>
 * Narayanan et al., SC 2021 (Megatron-LM); Rasley et al., "DeepSpeed", KDD 2020; Rajbhandari et al., "ZeRO", SC 2020.
 * </pre>
 */
package org.dml4j.planner.export;
