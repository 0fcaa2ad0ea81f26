package org.dml4j.sim;

import org.dml4j.fl.RoundMetrics;

/**
 * Receives each model version's results as the simulation runs (progress display, metrics files), the
 * coordinator's log lines and its event log. Called on the thread that called {@link FederatedSimulation#run}, in
 * order.
 */
@FunctionalInterface
public interface RoundListener {
    /**
     * @param metrics the version's deterministic metrics
     * @param timing  its wall-clock timing
     */
    void onRound(RoundMetrics metrics, RoundTiming timing);

    /** @param line a line for the run log (a strategy's choices) */
    default void onLog(String line) {
    }

    /** @param jsonLine one line of the event log (JSON, the first line is the format header) */
    default void onEventLog(String jsonLine) {
    }
}
