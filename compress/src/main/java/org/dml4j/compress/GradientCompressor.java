package org.dml4j.compress;

import java.util.SplittableRandom;

/**
 * A gradient (or model-update) compression algorithm. Immutable and thread-safe: all mutable state (error-feedback
 * residual, adaptive controller, reusable buffers) lives in the {@link CompressorState} that {@link #newState}
 * returns, one per worker.
 */
public interface GradientCompressor {
    /** @return the type name, e.g. {@code "topk"} */
    String name();

    /**
     * @param dim length of the vectors this state will compress
     * @param rng the worker's own generator (Rand-k, stochastic rounding); the state owns it from now on
     * @return a new state owned by one worker
     */
    CompressorState newState(int dim, SplittableRandom rng);
}
