/**
 * The {@code dml4j schedule} and {@code dml4j experts} commands over the {@code parallel} module: pipeline schedules
 * compared in a table and Gantt charts, and MoE expert placements compared against the baselines with load charts.
 */
package org.dml4j.cli.parallel;
