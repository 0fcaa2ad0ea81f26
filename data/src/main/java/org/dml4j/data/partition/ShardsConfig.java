package org.dml4j.data.partition;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of the {@code shards} partitioner (NIID-Bench's "#C = c" label-quantity skew).
 *
 * <p>Config-file key: {@code classes-per-client} (required).
 *
 * <p>Immutable and thread-safe.
 *
 * @param classesPerClient how many distinct classes each client holds, at least 1
 */
public record ShardsConfig(int classesPerClient) implements PartitionerConfig {
    /** Validates the field. */
    public ShardsConfig {
        if (classesPerClient < 1) {
            throw new IllegalArgumentException("classes-per-client must be >= 1, got " + classesPerClient);
        }
    }

    /**
     * Binds a config-file table.
     *
     * @param classesPerClient {@code classes-per-client}
     * @return the configuration
     */
    @JsonCreator
    public static ShardsConfig of(@JsonProperty(value = "classes-per-client", required = true) int classesPerClient) {
        return new ShardsConfig(classesPerClient);
    }
}
