package org.dml4j.data.partition;

import java.util.Map;
import org.dml4j.core.Registry;
import org.dml4j.core.config.ConfigBinder;

/**
 * Creates partitioners of one type, selected by {@link #name()} as the {@code type} of a config file's partition
 * table. Registered in {@code META-INF/services/org.dml4j.data.partition.PartitionerProvider}.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface PartitionerProvider {
    /** The registry of all partitioner providers on the class path (loaded on first use). */
    Registry<PartitionerProvider> REGISTRY = new Registry<>("partitioner", PartitionerProvider.class,
            PartitionerProvider::name);

    /** @return the type name, e.g. {@code "dirichlet"} */
    String name();

    /** @return the configuration record this provider reads; a config file's table is bound to it */
    Class<? extends PartitionerConfig> configType();

    /**
     * @param config an instance of {@link #configType()}
     * @return the partitioner
     * @throws IllegalArgumentException when {@code config} is of another type
     */
    Partitioner create(PartitionerConfig config);

    /**
     * Binds a config-file table (kebab-case keys such as {@code min-size}; a {@code type} key is ignored) to
     * {@link #configType()}, filling in the documented defaults, with the one {@link ConfigBinder}; messages name
     * the {@code [partition]} table.
     *
     * @param settings the table's keys and values (numbers, strings, booleans)
     * @return the validated configuration
     * @throws IllegalArgumentException naming the key and value when a key is unknown, missing or invalid
     */
    default PartitionerConfig parseConfig(Map<String, ?> settings) {
        return ConfigBinder.bind(settings, configType(), "partition");
    }

    /**
     * Looks up a partitioner by type and builds it from a config-file table.
     *
     * @param type     the type name ({@code "iid"}, {@code "dirichlet"}, {@code "shards"}, {@code "quantity-skew"})
     * @param settings the table's keys and values; a {@code type} key is ignored
     * @return the partitioner
     * @throws IllegalArgumentException when the type is unknown (listing the known ones) or a setting is invalid
     */
    static Partitioner create(String type, Map<String, ?> settings) {
        PartitionerProvider p = REGISTRY.get(type);
        return p.create(p.parseConfig(settings));
    }
}
