package org.dml4j.data.partition;

/**
 * Configuration of the {@code iid} partitioner; it has no settings.
 *
 * <p>Immutable and thread-safe.
 */
public record IidConfig() implements PartitionerConfig {
}
