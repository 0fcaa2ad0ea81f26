/**
 * Pictures of schedules and placements: {@link org.dml4j.parallel.viz.GanttChart} (one row per device, F/B/W blocks
 * labelled with micro-batch ids, bubbles hatched), {@link org.dml4j.parallel.viz.LoadChart} (tokens per GPU before
 * and after placement, tokens per expert) and {@link org.dml4j.parallel.viz.HtmlReport}, a self-contained HTML
 * page written atomically with {@link org.dml4j.core.AtomicFiles}.
 */
package org.dml4j.parallel.viz;
