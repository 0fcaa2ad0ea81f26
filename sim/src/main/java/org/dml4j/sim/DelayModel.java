package org.dml4j.sim;

/**
 * How long things take in virtual time: a participant's local training (the device model) and the transfer of a
 * task and of a reply over its links (the network model). Durations come from these models, never from measured
 * wall time, so a simulated run replays exactly.
 *
 * <p>Called on the simulation's event thread, in event order; deterministic implementations only (randomness from
 * the seed path given).
 */
public interface DelayModel {
    /** No delays: every task is answered at the time it is sent (the run's clock stays at 0). */
    DelayModel NONE = new DelayModel() {
        @Override
        public double computeSeconds(int participant, int steps, String seedPath) {
            return 0;
        }

        @Override
        public double downloadSeconds(int participant, long bytes) {
            return 0;
        }

        @Override
        public double uploadSeconds(int participant, long bytes) {
            return 0;
        }
    };

    /**
     * @param participant who trains
     * @param steps       local SGD steps
     * @param seedPath    the task's seed path (for a random device speed)
     * @return seconds of local training, &gt;= 0
     */
    double computeSeconds(int participant, int steps, String seedPath);

    /**
     * @param participant who receives
     * @param bytes       the task's exact wire bytes
     * @return seconds until the task has arrived, &gt;= 0
     */
    double downloadSeconds(int participant, long bytes);

    /**
     * @param participant who sends
     * @param bytes       the reply's exact wire bytes
     * @return seconds until the reply has arrived, &gt;= 0
     */
    double uploadSeconds(int participant, long bytes);
}
