package org.dml4j.sim.device;

import java.nio.file.Path;
import org.dml4j.core.Registry;
import org.dml4j.core.SeedTree;

/**
 * Creates device models of one type, selected by {@link #name()} as the {@code type} of a config file's
 * {@code [devices]} table. Registered in {@code META-INF/services/org.dml4j.sim.device.DeviceProvider}.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface DeviceProvider {
    /** The registry of all device providers on the class path (loaded on first use). */
    Registry<DeviceProvider> REGISTRY = new Registry<>("devices", DeviceProvider.class, DeviceProvider::name);

    /** @return the type name, e.g. {@code "lognormal"} */
    String name();

    /** @return the configuration record bound from the config file */
    Class<? extends DeviceConfig> configType();

    /**
     * @param config  an instance of {@link #configType()}
     * @param clients number of clients (ids 0 .. clients-1), &gt;= 1
     * @param seeds   the run's seed tree; per-client draws use {@code seeds.child("devices")...child(id)}
     * @param baseDir directory against which relative trace paths are resolved (the experiment file's), or null
     * @return the model; per-client values are computed on demand
     * @throws IllegalArgumentException naming the key, or the file and line, of a bad value (an unknown client id,
     *         a client that is never available)
     */
    DeviceModel create(DeviceConfig config, int clients, SeedTree seeds, Path baseDir);
}
