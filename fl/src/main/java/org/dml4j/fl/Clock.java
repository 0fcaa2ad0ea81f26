package org.dml4j.fl;

/**
 * The coordinator's time: seconds since the start of the run. The simulator hands in its virtual clock; a real
 * deployment a wall clock. The coordinator never reads a clock of its own, so a simulated run replays exactly.
 */
@FunctionalInterface
public interface Clock {
    /** @return seconds since the start of the run, non-decreasing */
    double now();
}
