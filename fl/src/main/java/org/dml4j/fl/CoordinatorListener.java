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
}
