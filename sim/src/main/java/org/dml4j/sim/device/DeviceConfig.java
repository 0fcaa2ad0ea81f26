package org.dml4j.sim.device;

/**
 * Marker for the configuration record of one device type (the {@code [devices]} table of an experiment file);
 * records validate in their compact constructor and name the bad key and value.
 */
public interface DeviceConfig {
}
