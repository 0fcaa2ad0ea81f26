package org.dml4j.fl;

/** Marker for the configuration record of one strategy type; records validate in their compact constructor. */
public interface StrategyConfig {
}
