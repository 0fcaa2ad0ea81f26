package org.dml4j.compress;

/**
 * A compressed update as it travels on the wire. Immutable and thread-safe. {@link #wireBytes()} is exactly the length
 * of its encoding by {@link UpdateCodec}; {@link #addTo} decodes and accumulates without building a temporary dense
 * array and allocates nothing.
 *
 * <p>The family is closed: {@link DenseUpdate} (fp32/fp16/bf16 values), {@link SparseUpdate} (indices and values),
 * {@link QuantizedUpdate} (a few bits per element and per-bucket scales) and {@link LowRankUpdate} (per-layer factors).
 */
public sealed interface CompressedUpdate permits DenseUpdate, SparseUpdate, QuantizedUpdate, LowRankUpdate {
    /** @return length of the dense vector this update stands for */
    int dim();

    /**
     * @return number of values carried: {@code dim} for dense and quantized updates, the number of non-zero entries
     *     for sparse ones, the number of factor and raw values for low-rank ones
     */
    long elements();

    /** @return exact number of bytes of the encoded form */
    long wireBytes();

    /**
     * {@code target[i] += weight * decoded[i]} for every i. Allocates nothing.
     *
     * @param target accumulator of length {@link #dim()}
     * @param weight scale of this update
     * @throws IllegalArgumentException when {@code target.length != dim()}
     */
    void addTo(float[] target, float weight);

    /**
     * @return the decoded dense vector (a new array); for tests and tools, not for hot paths
     */
    default float[] toDense() {
        float[] out = new float[dim()];
        addTo(out, 1f);
        return out;
    }

    /** Checks that {@code target} has length {@code dim}. */
    static void checkTarget(float[] target, int dim) {
        if (target.length != dim) {
            throw new IllegalArgumentException("target length must be " + dim + ", got " + target.length);
        }
    }
}
