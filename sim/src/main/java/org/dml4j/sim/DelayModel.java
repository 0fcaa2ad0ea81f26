package org.dml4j.sim;

/**
 * How long a participant's local training takes in virtual time. Durations come from this model, never from
 * measured wall time, so a simulated run replays exactly.
 *
 * <p>Called on the simulation's event thread, in event order; deterministic implementations only (randomness from
 * the seed path given).
 */
@FunctionalInterface
public interface DelayModel {
    /** No compute time: local training takes no virtual time. */
    DelayModel NONE = (participant, steps, seedPath) -> 0;

    /**
     * @param participant who trains
     * @param steps       local SGD steps
     * @param seedPath    the task's seed path (for a random device speed)
     * @return seconds of local training, &gt;= 0
     */
    double computeSeconds(int participant, int steps, String seedPath);
}
