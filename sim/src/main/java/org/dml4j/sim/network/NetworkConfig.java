package org.dml4j.sim.network;

/**
 * Marker for the configuration record of one network type (the {@code [network]} table of an experiment file);
 * records validate in their compact constructor and name the bad key and value.
 */
public interface NetworkConfig {
}
