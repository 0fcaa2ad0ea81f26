/**
 * JMH benchmarks of dml4j's hot paths. {@link org.dml4j.bench.CompressionBenchmark} measures compression of a
 * 25,000,000-float update at 1% density against one streaming pass and a quickselect Top-k reference;
 * {@link org.dml4j.bench.CompressionReport} runs it and prints the results as ratios.
 */
package org.dml4j.bench;
