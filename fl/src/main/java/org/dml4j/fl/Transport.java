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

        /**
         * Receives a participant's report for a round exchange, in time order with the events; its task stays in
         * flight.
         *
         * @param statistic the report
         * @throws UnsupportedOperationException by default: this inbox makes no exchanges
         */
        default void statistic(Statistic statistic) {
            throw new UnsupportedOperationException("this inbox makes no round exchanges (participant "
                    + statistic.participant() + ", task " + statistic.taskId() + ")");
        }
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

    /**
     * Sends the combination of one exchange phase to a participant whose task waits for it; the transport then
     * {@linkplain Participant#resume resumes} the task and delivers its next statistic or its reply. A transport that
     * makes exchanges calls {@link Participant#begin} for every task.
     *
     * @param participant who
     * @param shared      the combined value, for its running task
     * @throws UnsupportedOperationException by default: this transport makes no round exchanges
     */
    default void share(int participant, Statistic.Shared shared) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " makes no round exchanges: a compressor"
                + " that needs one (terngrad shared-scaler, powersgd shared-q) runs in the simulator only");
    }

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
