package org.dml4j.compress;

import java.util.SplittableRandom;

/**
 * A gradient (or model-update) compression algorithm. Immutable and thread-safe: all mutable state (error-feedback
 * residual, momentum, adaptive ratio, reusable buffers) lives in the {@link CompressorState} that {@link #newState}
 * returns, one per worker.
 *
 * <p>Call order: create once from a config (see {@link Compressors#create}), then {@link #newState} once per worker
 * (per client in FL, plus one on the server for downlink compression), then {@link CompressorState#compress} once per
 * round on that worker's thread.
 */
public interface GradientCompressor {
    /** @return the type name, e.g. {@code "topk"}; error-feedback wrappers keep the inner name */
    String name();

    /**
     * @param dim length of the vectors this state will compress, at least 1
     * @param rng the worker's own generator (Rand-k, stochastic rounding, PowerSGD start); the state owns it from now on
     * @return a new state owned by one worker; per-layer compressors treat the whole vector as one layer unless their
     *     config lists segments or shapes
     * @throws IllegalArgumentException when {@code dim} does not fit the configuration (k larger than dim, segments
     *                                  that do not sum to dim, ...)
     */
    CompressorState newState(int dim, SplittableRandom rng);

    /**
     * A state that knows the model's layer shapes: per-layer compressors ({@code per-layer = true}) apply themselves
     * to every layer separately and PowerSGD factors every matrix layer. The default ignores the layout.
     *
     * @param layout the layer shapes of the parameter vector, in order
     * @param rng    the worker's own generator
     * @return a new state owned by one worker
     */
    default CompressorState newState(UpdateLayout layout, SplittableRandom rng) {
        return newState(layout.dim(), rng);
    }
}
