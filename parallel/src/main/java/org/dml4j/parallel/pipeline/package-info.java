/**
 * Pipeline-parallel schedules and their timeline simulation.
 *
 * <p>{@link org.dml4j.parallel.pipeline.StageCosts} describes the stages; a
 * {@link org.dml4j.parallel.pipeline.PipelineScheduler} (GPipe, 1F1B, interleaved 1F1B, ZB-H1, ZB-H2, ZB-V, and
 * our {@link org.dml4j.parallel.pipeline.AdaptiveScheduler}) turns them into a
 * {@link org.dml4j.parallel.pipeline.Schedule}, a list of operations per device;
 * {@link org.dml4j.parallel.pipeline.ScheduleValidator} checks it and
 * {@link org.dml4j.parallel.pipeline.TimelineSimulator} produces a {@link org.dml4j.parallel.pipeline.Timeline}
 * (iteration time, bubbles, peak memory, communication on the critical path).
 * {@link org.dml4j.parallel.pipeline.ClosedForms} gives the published closed forms for equal stages.
 *
 * <pre>
 * Huang et al., "GPipe", NeurIPS 2019.
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021.
 * Qi, Wan, Huang, Lin, "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024.
 * </pre>
 */
package org.dml4j.parallel.pipeline;
