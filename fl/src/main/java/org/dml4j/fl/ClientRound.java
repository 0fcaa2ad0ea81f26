package org.dml4j.fl;

/**
 * What one participant's task came to, for {@code clients.csv}: one record per task outcome (a reply, a failure, a
 * lost or a cancelled task), counted in the metrics row being built when it happened, so the uplink bytes of the
 * records of round {@code r} sum to that row's {@code bytes_up}.
 *
 * @param round           the metrics row (version being made, from 1) the outcome is counted in
 * @param participant     the participant
 * @param taskId          the task
 * @param baseVersion     the version the task started from
 * @param status          {@code ok}, {@code failed}, {@code lost} or {@code cancelled}
 * @param samples         the participant's data size
 * @param steps           local steps: taken ({@code ok}) or asked for
 * @param trainLoss       mean local training loss ({@code ok}; NaN otherwise)
 * @param elementsUp      values in the reply (0 without one)
 * @param bytesUp         bytes of the reply on the wire (0 without one)
 * @param level           the compression ratio or threshold the task was dispatched with; NaN for the participant's
 *                        own (a data-aware assignment sets that one at the start, see the simulation's levels)
 * @param downloadSeconds seconds the task took to arrive (virtual in the simulator; 0 without a network)
 * @param computeSeconds  seconds of local training (virtual in the simulator; 0 without a device model)
 * @param uploadSeconds   seconds the reply took to arrive (0 without a network)
 * @param time            the run's clock when the outcome reached the coordinator
 */
public record ClientRound(int round, int participant, long taskId, int baseVersion, String status, int samples,
                          int steps, double trainLoss, long elementsUp, long bytesUp, double level,
                          double downloadSeconds, double computeSeconds, double uploadSeconds, double time) {
}
