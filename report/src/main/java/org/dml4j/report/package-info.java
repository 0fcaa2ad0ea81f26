/**
 * The report kit, the one HTML/SVG code of dml4j: {@link org.dml4j.report.Xml} (the escaper),
 * {@link org.dml4j.report.Axis} (nice ticks and their labels), {@link org.dml4j.report.LineChart},
 * {@link org.dml4j.report.BarChart} and {@link org.dml4j.report.Gantt} (responsive SVG: a {@code viewBox} and
 * {@code width="100%"}), and {@link org.dml4j.report.Page}, a self-contained HTML page with a
 * {@link org.dml4j.report.Provenance} footer, written atomically. {@code run}, {@code compare}, {@code schedule},
 * {@code experts} and {@code plan} all write their reports with it.
 */
package org.dml4j.report;
