package org.dml4j.compress;

/**
 * A compressed update as it travels on the wire. Immutable. {@link #wireBytes()} is exactly the length of its encoding
 * by {@link UpdateCodec}; {@link #addTo} decodes and accumulates without building a temporary dense array.
 */
public sealed interface CompressedUpdate permits DenseUpdate {
    /** @return length of the dense vector this update stands for */
    int dim();

    /** @return number of values carried (dim for dense, k for sparse) */
    long elements();

    /** @return exact number of bytes of the encoded form */
    long wireBytes();

    /**
     * {@code target[i] += weight * decoded[i]} for every i.
     *
     * @param target accumulator of length {@link #dim()}
     * @param weight scale of this update
     */
    void addTo(float[] target, float weight);
}
