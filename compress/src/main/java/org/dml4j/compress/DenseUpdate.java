package org.dml4j.compress;

import java.util.Objects;
import org.dml4j.core.FloatKernels;

/**
 * An update that carries every value: fp32 (no compression) or cast to fp16/bf16. Immutable and thread-safe: the
 * values are copied in and rounded to the {@link ValueFormat} on construction.
 */
public final class DenseUpdate implements CompressedUpdate {
    private final float[] values;
    private final ValueFormat format;

    /** @param values the dense vector as fp32; copied */
    public DenseUpdate(float[] values) {
        this(values, ValueFormat.FP32);
    }

    /**
     * @param values the dense vector; copied and rounded to {@code format}
     * @param format how values travel on the wire
     * @throws IllegalArgumentException when a value is not finite
     */
    public DenseUpdate(float[] values, ValueFormat format) {
        this(checkFinite(Objects.requireNonNull(values, "values").clone()), Objects.requireNonNull(format, "format"),
                true);
        format.roundInPlace(this.values, 0, this.values.length);
    }

    /** Wraps without copying or rounding; the caller hands over an array already rounded to {@code format}. */
    static DenseUpdate wrap(float[] values, ValueFormat format) {
        return new DenseUpdate(values, format, true);
    }

    private DenseUpdate(float[] values, ValueFormat format, boolean owned) {
        this.values = values;
        this.format = format;
    }

    private static float[] checkFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("value " + i + " is not finite: " + v[i]);
            }
        }
        return v;
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
        return UpdateCodec.HEADER_BYTES + (long) format.bytes() * values.length;
    }

    @Override
    public void addTo(float[] target, float weight) {
        CompressedUpdate.checkTarget(target, values.length);
        FloatKernels.get().axpy(weight, values, 0, target, 0, values.length);
    }

    /** @return the wire format of the values */
    public ValueFormat valueFormat() {
        return format;
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

    /** Package access to the values for the codec; never mutated. */
    float[] values() {
        return values;
    }
}
