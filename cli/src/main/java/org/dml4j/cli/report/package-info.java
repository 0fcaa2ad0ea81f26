/**
 * Run outputs: {@code metrics.csv}, {@code timing.csv}, and a self-contained {@code report.html} drawn with the
 * report kit ({@code org.dml4j.report}): accuracy and loss against round and against bytes sent, the target as a
 * line, the partition as a chart, overlays for {@code compare}, and a provenance footer.
 */
package org.dml4j.cli.report;
