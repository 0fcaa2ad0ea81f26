package org.dml4j.sim;

import java.util.List;

/**
 * Outcome of a simulation.
 *
 * @param rounds      per-round metrics, in order
 * @param timings     per-round wall-clock timing, in order
 * @param finalParams the final global parameters
 */
public record SimulationResult(List<org.dml4j.fl.RoundMetrics> rounds, List<RoundTiming> timings,
                               float[] finalParams) {
    /** Copies the lists. */
    public SimulationResult {
        rounds = List.copyOf(rounds);
        timings = List.copyOf(timings);
    }
}
