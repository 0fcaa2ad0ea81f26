package org.dml4j.sim;

import org.dml4j.model.Model;

/**
 * Creates the identical, identically initialised models the simulation's workers train on.
 * Thread-safe.
 */
@FunctionalInterface
public interface ModelFactory {
    /** @return a new model; every call returns the same architecture and initial parameters */
    Model create();
}
