/**
 * Pictures of schedules and placements, drawn with the report kit ({@code org.dml4j.report}):
 * {@link org.dml4j.parallel.viz.GanttChart} (one row per device, F/B/W blocks labelled with micro-batch ids, bubbles
 * hatched) and {@link org.dml4j.parallel.viz.LoadChart} (tokens per GPU before and after placement, tokens per
 * expert).
 */
package org.dml4j.parallel.viz;
