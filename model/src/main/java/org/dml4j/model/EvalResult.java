package org.dml4j.model;

/**
 * Outcome of one {@link Model#evaluate} call.
 *
 * @param samples  samples evaluated
 * @param loss     mean cross-entropy loss
 * @param accuracy fraction of samples classified correctly, in [0, 1]
 */
public record EvalResult(long samples, double loss, double accuracy) {
}
