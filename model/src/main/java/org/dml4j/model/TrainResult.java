package org.dml4j.model;

/**
 * Outcome of one {@link Model#train} call.
 *
 * @param steps    SGD steps taken
 * @param samples  samples processed (steps × batch, the last batch of an epoch may be smaller)
 * @param meanLoss mean training loss over the steps
 */
public record TrainResult(int steps, long samples, double meanLoss) {
}
