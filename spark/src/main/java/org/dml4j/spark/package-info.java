/**
 * The Spark engine: {@code dml4j run --engine spark --master local[N] | spark://HOST:PORT} runs a federated
 * experiment's clients on Spark executors, with the same coordinator, strategy and virtual-time event engine on the
 * driver as the in-process simulator, so the metrics equal the in-process run's for the same seed.
 * {@link org.dml4j.spark.SparkEngine} is the entry point; {@link org.dml4j.spark.SparkEngineProvider} plugs it into
 * the command line. Optional module: built with {@code ./mvnw -Pspark install -pl spark -am}.
 */
package org.dml4j.spark;
