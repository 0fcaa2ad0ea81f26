/**
 * Run outputs: {@code metrics.csv}, {@code timing.csv}, and a self-contained {@code report.html} with SVG charts
 * (accuracy and loss against round and against bytes sent; overlays for {@code compare}).
 */
package org.dml4j.cli.report;
