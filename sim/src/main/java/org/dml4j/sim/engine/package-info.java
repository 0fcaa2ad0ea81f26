/**
 * A discrete-event engine on a virtual clock, the core of the simulated transport.
 *
 * <p>API, all on one thread:
 * <ul>
 *   <li>{@link org.dml4j.sim.engine.EventEngine}: {@code long schedule(time, handler, arg)} and
 *       {@code scheduleAfter(delay, handler, arg)} return an event id; {@code cancel(id)} and
 *       {@code reschedule(id, time)} return false for an event that has fired or been cancelled (stale ids are
 *       recognised by a generation stamp); {@code run()}, {@code runUntil(t)}, {@code step()} and {@code stop()}
 *       drive it; {@code now()}, {@code pending()}, {@code nextTime()} and {@code fired()} observe it.</li>
 *   <li>{@link org.dml4j.sim.engine.EventHandler}: {@code void onEvent(long arg)}; one handler object serves many
 *       events, told apart by the argument (node id, transfer slot, packed ints), so firing boxes nothing.</li>
 *   <li>{@link org.dml4j.sim.engine.VirtualClock}: {@code double now()} in seconds; it extends
 *       {@link java.time.InstantSource}, so a coordinator that must not see this module can be given the engine as a
 *       JDK clock.</li>
 * </ul>
 * Ordering is by (virtual time, sequence), the sequence being taken at each schedule or reschedule: ties fire in the
 * order they were scheduled, which makes runs reproducible. The loop allocates nothing per event.
 */
package org.dml4j.sim.engine;
