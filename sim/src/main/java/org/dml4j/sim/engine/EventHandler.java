package org.dml4j.sim.engine;

/**
 * What runs when an event fires: a handler and the {@code long} argument it was scheduled with (a node id, a
 * transfer slot, a packed pair of ints), so that one handler object serves many events and firing one allocates
 * nothing. Keep handlers in fields ({@code private final EventHandler onDone = this::done;}) rather than writing a
 * capturing lambda at each {@link EventEngine#schedule} call.
 *
 * <p>Called on the engine's thread, at the event's virtual time ({@link EventEngine#now()}).
 */
@FunctionalInterface
public interface EventHandler {
    /**
     * @param arg the argument given to {@link EventEngine#schedule(double, EventHandler, long)}
     */
    void onEvent(long arg);
}
