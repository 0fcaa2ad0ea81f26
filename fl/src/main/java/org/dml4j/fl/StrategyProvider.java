package org.dml4j.fl;

import org.dml4j.core.Registry;

/**
 * Creates strategies of one type, selected by {@link #name()} as the {@code type} of a config file's
 * {@code [strategy]} table. Registered in {@code META-INF/services/org.dml4j.fl.StrategyProvider}.
 */
public interface StrategyProvider {
    /** The registry of all strategy providers on the class path. */
    Registry<StrategyProvider> REGISTRY = new Registry<>("strategy", StrategyProvider.class, StrategyProvider::name);

    /** @return the type name */
    String name();

    /** @return the configuration record bound from the config file */
    Class<? extends StrategyConfig> configType();

    /**
     * @param config an instance of {@link #configType()}
     * @return a new strategy
     */
    Strategy create(StrategyConfig config);
}
