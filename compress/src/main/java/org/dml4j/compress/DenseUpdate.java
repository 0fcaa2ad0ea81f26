package org.dml4j.compress;

import java.util.Objects;
import org.dml4j.core.FloatKernels;

/**
 * An uncompressed update: all {@code dim} values as fp32. Immutable: the values are copied in.
 */
public final class DenseUpdate implements CompressedUpdate {
    private final float[] values;

    /** @param values the dense vector; copied */
    public DenseUpdate(float[] values) {
        this.values = Objects.requireNonNull(values, "values").clone();
    }

    /** Wraps without copying; the caller hands the array over. */
    static DenseUpdate wrap(float[] values) {
        return new DenseUpdate(values, true);
    }

    private DenseUpdate(float[] values, boolean owned) {
        this.values = values;
    }

    @Override
    public int dim() {
        return values.length;
    }

    @Override
    public long elements() {
        return values.length;
    }

    @Override
    public long wireBytes() {
        return UpdateCodec.HEADER_BYTES + 4L * values.length;
    }

    @Override
    public void addTo(float[] target, float weight) {
        if (target.length != values.length) {
            throw new IllegalArgumentException("target length must be " + values.length + ", got " + target.length);
        }
        FloatKernels.get().axpy(weight, values, 0, target, 0, values.length);
    }

    /**
     * @param i index
     * @return the i-th value
     */
    public float get(int i) {
        return values[i];
    }

    /** @return a copy of the values */
    public float[] toArray() {
        return values.clone();
    }
}
