package org.dml4j.data.partition;

/**
 * Marker for the configuration record of one partitioner type ({@code DirichletConfig}, ...). Records validate in
 * their compact constructor and name the bad field; each can be bound from a config-file table with kebab-case keys
 * ({@link PartitionerProvider#parseConfig}).
 */
public interface PartitionerConfig {
}
