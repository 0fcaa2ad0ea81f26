package org.dml4j.sim.engine;

import java.time.Instant;
import java.time.InstantSource;

/**
 * Virtual time in seconds since the start of a simulation. It is also a {@link InstantSource} (virtual second
 * {@code s} is {@code Instant.EPOCH} plus {@code s}), so code that must not depend on the simulator, such as a
 * coordinator in module {@code fl}, can be handed this clock as a plain JDK type.
 *
 * <p>Read it on the thread that drives the simulation.
 */
public interface VirtualClock extends InstantSource {
    /** @return the current virtual time in seconds, &gt;= 0 and non-decreasing */
    double now();

    /** @return {@link #now()} as an instant after {@link Instant#EPOCH}, rounded down to the nanosecond */
    @Override
    default Instant instant() {
        double t = now();
        long s = (long) Math.floor(t);
        long nanos = (long) Math.floor((t - s) * 1e9);
        return Instant.ofEpochSecond(s, Math.min(nanos, 999_999_999L));
    }

    /** @return {@link #now()} in whole milliseconds, rounded down */
    @Override
    default long millis() {
        return (long) Math.floor(now() * 1e3);
    }
}
