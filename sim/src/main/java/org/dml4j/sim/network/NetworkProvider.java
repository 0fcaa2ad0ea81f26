package org.dml4j.sim.network;

import java.nio.file.Path;
import org.dml4j.core.Registry;
import org.dml4j.core.SeedTree;

/**
 * Creates network topologies of one type, selected by {@link #name()} as the {@code type} of a config file's
 * {@code [network]} table. Registered in {@code META-INF/services/org.dml4j.sim.network.NetworkProvider}.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface NetworkProvider {
    /** The registry of all network providers on the class path (loaded on first use). */
    Registry<NetworkProvider> REGISTRY = new Registry<>("network", NetworkProvider.class, NetworkProvider::name);

    /** @return the type name, e.g. {@code "fleet"} */
    String name();

    /** @return the configuration record bound from the config file */
    Class<? extends NetworkConfig> configType();

    /**
     * @param config  an instance of {@link #configType()}
     * @param clients number of clients (node ids 0 .. clients-1), &gt;= 1
     * @param seeds   the run's seed tree; per-node draws use {@code seeds.child("network")...child(node)}
     * @param baseDir directory against which relative trace paths are resolved (the experiment file's)
     * @return the topology; per-node values are computed on demand
     * @throws IllegalArgumentException naming the key, or the file and line, of a bad value (an unknown node id,
     *         a bad trace row)
     */
    NetworkTopology create(NetworkConfig config, int clients, SeedTree seeds, Path baseDir);
}
