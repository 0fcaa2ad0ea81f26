package org.dml4j.fl;

/**
 * Receives what a {@link Coordinator} produces, on the coordinator's thread: a metrics row per model version, log
 * lines, and the event log (JSON lines, first line the format header {@link Coordinator#EVENT_LOG_HEADER}).
 */
public interface CoordinatorListener {
    /** @param metrics the row of the version just made */
    void onRow(RoundMetrics metrics);

    /** @param line a human-readable line (a strategy's choices) */
    default void onLog(String line) {
    }

    /** @param jsonLine one line of the event log, without the newline */
    default void onEventLog(String jsonLine) {
    }

    /**
     * Called when a task's outcome reaches the coordinator, before the strategy sees it (before {@link #onRow} of the
     * row it is counted in).
     *
     * @param outcome what the participant's task came to
     */
    default void onClientRound(ClientRound outcome) {
    }
}
