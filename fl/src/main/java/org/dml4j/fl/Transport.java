package org.dml4j.fl;

/**
 * How the {@link Coordinator} reaches its participants, after Flower's {@code Grid}: the coordinator hands it tasks,
 * broadcasts and timers, and it hands back {@link Event}s, one at a time, on the thread that called {@link #run}.
 * The simulator implements it on a virtual clock; a network transport on sockets. Every implementation passes the
 * contract suite in this module's test-jar ({@code TransportContract}).
 *
 * <p>Contract: events are delivered in non-decreasing {@link #clock()} time; every dispatched task ends in exactly one
 * {@link Event.ReplyArrived} or {@link Event.Lost} unless it is {@link #cancel cancelled} first (then in neither);
 * a timer fires once, at or after its time; nothing is delivered after {@link #stop}.
 */
public interface Transport {
    /** Receives the transport's events. */
    @FunctionalInterface
    interface Inbox {
        /** @param event the next event */
        void deliver(Event event);
    }

    /** @return the run's clock (virtual seconds in the simulator) */
    Clock clock();

    /**
     * Delivers {@link Event.Start}, then every later event, to {@code inbox} on the calling thread, until
     * {@link #stop()} is called or no event can come any more.
     *
     * @param inbox the coordinator
     * @return true when stopped, false when it ran out of events (nothing in flight, no timer)
     */
    boolean run(Inbox inbox);

    /** @param task a task for its participant, who is not running another one */
    void dispatch(Task task);

    /**
     * Abandons a task: no event will be delivered for it, and its participant may be given a new one at once.
     *
     * @param participant the participant
     * @param taskId      its task
     */
    void cancel(int participant, long taskId);

    /** @param broadcast a downlink message for every participant */
    void broadcast(Broadcast broadcast);

    /**
     * @param atSeconds when, on {@link #clock()}; a time already past fires next
     * @param tag       returned in the {@link Event.Timer}
     */
    void timer(double atSeconds, long tag);

    /** Ends {@link #run}: nothing more is delivered. */
    void stop();
}
