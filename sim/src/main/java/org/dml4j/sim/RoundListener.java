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

    /** @param outcome a participant's task outcome (a {@code clients.csv} row), before the row it counts in */
    default void onClientRound(org.dml4j.fl.ClientRound outcome) {
    }

    /**
     * Asked after {@link #onRound} (never after the last version) whether to checkpoint the run; when true, the
     * simulation calls {@link #onCheckpoint} at the end of that instant of virtual time.
     *
     * @param version the version just made
     * @return whether to checkpoint now
     */
    default boolean checkpointDue(int version) {
        return false;
    }

    /**
     * Receives a checkpoint of the whole run (coordinator, strategy, transport, clients' compressor states, the rows
     * so far); the listener may add its own entries (under a name of its own) before writing it. A checkpoint is
     * taken only when {@link Simulation#checkpointUnsupported()} is null.
     *
     * @param checkpoint the run's state
     */
    default void onCheckpoint(org.dml4j.core.Snapshot checkpoint) {
    }
}
