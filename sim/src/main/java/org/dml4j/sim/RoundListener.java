package org.dml4j.sim;

import org.dml4j.fl.RoundMetrics;

/**
 * Receives each round's results as the simulation runs (progress display, metrics files). Called on the thread that
 * called {@link FederatedSimulation#run}, in round order.
 */
@FunctionalInterface
public interface RoundListener {
    /**
     * @param metrics the round's deterministic metrics
     * @param timing  the round's wall-clock timing
     */
    void onRound(RoundMetrics metrics, RoundTiming timing);
}
