/**
 * Resource scheduling for pipeline and expert parallelism, independent of any training framework.
 *
 * <ul>
 *   <li>{@link org.dml4j.parallel.pipeline}: stage costs, the published pipeline schedules (GPipe, 1F1B,
 *       interleaved 1F1B, ZB-H1, ZB-H2, ZB-V) plus an adaptive schedule of our own, schedule validation and a
 *       discrete-event timeline simulator;</li>
 *   <li>{@link org.dml4j.parallel.partition}: exact dynamic-programming partitioning of layers into pipeline stages
 *       on heterogeneous devices;</li>
 *   <li>{@link org.dml4j.parallel.moe}: mixture-of-experts placement with hot-expert replication, routing traces,
 *       windowed re-placement and an all-to-all time model;</li>
 *   <li>{@link org.dml4j.parallel.viz}: self-contained HTML/SVG Gantt charts and expert-load charts.</li>
 * </ul>
 *
 * <p>Everything here is a pure function over immutable values: the same inputs give the same schedule, timeline,
 * partition or placement.
 */
package org.dml4j.parallel;
