package org.dml4j.compress;

import java.util.Objects;

/**
 * An update that carries only some entries: strictly increasing indices and their values. Immutable and
 * thread-safe: the arrays are copied in (or handed over by a compressor) and never mutated.
 *
 * <p>On the wire the indices are written either as gaps in unsigned LEB128 varints or as a bitmap of {@code dim} bits,
 * whichever is smaller (varints on a tie); indices drawn from a seed (Rand-k) travel as that seed and the per-segment
 * counts instead when that is smaller still. {@link #indexEncoding()} says which, and {@link #wireBytes()} counts it
 * exactly. Values travel in the {@link ValueFormat} they were rounded to.
 */
public final class SparseUpdate implements CompressedUpdate {
    /** How the indices of a sparse update are encoded. */
    public enum IndexEncoding {
        /** First index, then {@code index[i] - index[i-1] - 1}, each as an unsigned LEB128 varint. */
        VARINT_GAPS(0),
        /** One bit per coordinate, least significant bit first, {@code ceil(dim / 8)} bytes. */
        BITMAP(1),
        /**
         * The 8-byte seed, the segment count (4 bytes) and per segment its length and its number of entries (4 bytes
         * each); the reader draws the indices again with {@link RandKCompressor#drawIndices} (format version 2).
         */
        SEEDED(2);

        private final int code;

        IndexEncoding(int code) {
            this.code = code;
        }

        /** @return the code written in the wire header */
        public int code() {
            return code;
        }
    }

    private final int dim;
    private final int[] indices;
    private final float[] values;
    private final ValueFormat format;
    private final long varintBytes;
    /** How the indices were drawn, when they were (Rand-k), else null. */
    private final Seeded seeded;

    /**
     * The seed and per-segment counts that determine the indices of a Rand-k update.
     *
     * @param seed     the seed of the {@link java.util.SplittableRandom} that drew them
     * @param segments segment lengths (not copied; never mutated)
     * @param counts   entries drawn in each segment (not copied; never mutated)
     */
    record Seeded(long seed, int[] segments, int[] counts) {
        /** @return bytes of this encoding of the indices */
        long bytes() {
            return 8L + 4L + 8L * segments.length;
        }
    }

    /**
     * @param dim     length of the dense vector
     * @param indices strictly increasing indices in {@code [0, dim)}; copied
     * @param values  the values at those indices, finite; copied and rounded to {@code format}
     * @param format  how values travel on the wire
     * @throws IllegalArgumentException when the arrays differ in length, an index is out of order or range, or a
     *                                  value is not finite
     */
    public SparseUpdate(int dim, int[] indices, float[] values, ValueFormat format) {
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(format, "format");
        if (dim < 0) {
            throw new IllegalArgumentException("dim must be >= 0, got " + dim);
        }
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices and values differ in length: " + indices.length + " vs "
                    + values.length);
        }
        int prev = -1;
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] <= prev || indices[i] >= dim) {
                throw new IllegalArgumentException("index " + i + " = " + indices[i] + " must be in (" + prev + ", "
                        + dim + ")");
            }
            prev = indices[i];
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("value " + i + " is not finite: " + values[i]);
            }
        }
        this.dim = dim;
        this.indices = indices.clone();
        this.values = values.clone();
        this.format = format;
        format.roundInPlace(this.values, 0, this.values.length);
        this.varintBytes = varintBytes(this.indices, this.indices.length);
        this.seeded = null;
    }

    private SparseUpdate(int dim, int[] indices, float[] values, ValueFormat format, long varintBytes,
            Seeded seeded) {
        this.dim = dim;
        this.indices = indices;
        this.values = values;
        this.format = format;
        this.varintBytes = varintBytes;
        this.seeded = seeded;
    }

    /**
     * Wraps arrays a compressor or the decoder built and hands over: indices valid, values finite and already rounded
     * to {@code format}.
     */
    static SparseUpdate wrap(int dim, int[] indices, float[] values, ValueFormat format) {
        return new SparseUpdate(dim, indices, values, format, varintBytes(indices, indices.length), null);
    }

    /** As {@link #wrap}, for indices that {@code seeded} determines. */
    static SparseUpdate wrapSeeded(int dim, int[] indices, float[] values, ValueFormat format, Seeded seeded) {
        return new SparseUpdate(dim, indices, values, format, varintBytes(indices, indices.length), seeded);
    }

    /** @return the bytes of the varint-gap encoding of {@code idx[0, n)} */
    static long varintBytes(int[] idx, int n) {
        long total = 0;
        int prev = -1;
        for (int i = 0; i < n; i++) {
            int gap = idx[i] - prev - 1;
            total += varintLength(gap);
            prev = idx[i];
        }
        return total;
    }

    /** @return the length of the unsigned LEB128 encoding of a non-negative int (1 to 5) */
    static int varintLength(int v) {
        return (38 - Integer.numberOfLeadingZeros(v | 1)) / 7;
    }

    /** @return bytes of a bitmap over {@code dim} coordinates */
    static long bitmapBytes(int dim) {
        return (dim + 7L) >>> 3;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public long elements() {
        return indices.length;
    }

    /** @return number of entries carried */
    public int nnz() {
        return indices.length;
    }

    /** @return the index encoding the codec uses for this update (the smaller one) */
    public IndexEncoding indexEncoding() {
        long plain = Math.min(varintBytes, bitmapBytes(dim));
        if (seeded != null && seeded.bytes() < plain) {
            return IndexEncoding.SEEDED;
        }
        return varintBytes <= bitmapBytes(dim) ? IndexEncoding.VARINT_GAPS : IndexEncoding.BITMAP;
    }

    /** @return the seed and counts of seeded indices, or null */
    Seeded seeded() {
        return seeded;
    }

    /** @return bytes of the chosen index encoding */
    private long indexBytes() {
        return switch (indexEncoding()) {
            case VARINT_GAPS -> varintBytes;
            case BITMAP -> bitmapBytes(dim);
            case SEEDED -> seeded.bytes();
        };
    }

    /** @return the wire format of the values */
    public ValueFormat valueFormat() {
        return format;
    }

    @Override
    public long wireBytes() {
        return UpdateCodec.HEADER_BYTES + 4L + indexBytes() + (long) format.bytes() * indices.length;
    }

    @Override
    public void addTo(float[] target, float weight) {
        CompressedUpdate.checkTarget(target, dim);
        int[] idx = indices;
        float[] val = values;
        for (int i = 0; i < idx.length; i++) {
            target[idx[i]] += weight * val[i];
        }
    }

    /**
     * @param i entry number, {@code 0 <= i < nnz()}
     * @return the index of entry i
     */
    public int index(int i) {
        return indices[i];
    }

    /**
     * @param i entry number, {@code 0 <= i < nnz()}
     * @return the value of entry i
     */
    public float value(int i) {
        return values[i];
    }

    /** @return a copy of the indices */
    public int[] indices() {
        return indices.clone();
    }

    /** @return a copy of the values */
    public float[] values() {
        return values.clone();
    }

    /** Package access for the codec; never mutated. */
    int[] indexArray() {
        return indices;
    }

    /** Package access for the codec; never mutated. */
    float[] valueArray() {
        return values;
    }

    long varintBytes() {
        return varintBytes;
    }
}
