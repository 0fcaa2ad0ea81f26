package org.dml4j.sim;

/**
 * Wall-clock timing of one round; not deterministic, so kept apart from {@link org.dml4j.fl.RoundMetrics}.
 *
 * @param round          the round
 * @param wallSeconds    wall time of the round, including evaluation
 * @param trainSeconds   time spent inside {@code Model.train}, summed over worker threads
 * @param evalSeconds    time spent inside {@code Model.evaluate}
 * @param elapsedSeconds wall time since the simulation started
 * @param threads        worker threads
 */
public record RoundTiming(int round, double wallSeconds, double trainSeconds, double evalSeconds,
                          double elapsedSeconds, int threads) {
}
