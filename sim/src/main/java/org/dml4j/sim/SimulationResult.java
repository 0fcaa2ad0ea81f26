package org.dml4j.sim;

import java.util.List;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.RunStats;

/**
 * Outcome of a simulation.
 *
 * @param rounds      per-version metrics, in order
 * @param timings     per-version wall-clock timing, in order
 * @param finalParams the final global parameters
 * @param stats       per-participant counts and the staleness histogram
 * @param simulatorSeconds wall seconds the simulator itself took (engine, network, transport), without the
 *                    coordinator, the strategy and the waits for training
 */
public record SimulationResult(List<RoundMetrics> rounds, List<RoundTiming> timings, float[] finalParams,
                               RunStats stats, double simulatorSeconds) {
    /** Copies the lists. */
    public SimulationResult {
        rounds = List.copyOf(rounds);
        timings = List.copyOf(timings);
    }
}
