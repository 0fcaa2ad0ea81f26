package org.dml4j.compress;

import java.util.Objects;

/**
 * A dense update quantized to a few bits per element: every element has a signed integer code and every bucket a
 * float scale. Immutable and thread-safe.
 *
 * <p>Layout: the vector is cut into segments (layers) of the given lengths, and every segment into buckets of
 * {@link #bucketSize()} elements (the last bucket of a segment may be shorter). Decoding element i of bucket b gives
 * {@code scale[b] * code[i] / levels} for the {@link Scheme#SYMMETRIC} scheme (codes in {@code [-levels, levels]};
 * QSGD, TernGrad) and {@code scale[b] * code[i]} for {@link Scheme#SIGN} (codes {@code ±1}; scaled sign).
 *
 * <p>On the wire each code takes {@link #bitsPerCode()} bits: 1 for signs, {@code ceil(log2(2*levels+1))} otherwise
 * (2 bits for ternary, 4 for 7 levels, 8 for 127), packed least significant bit first; scales are fp32.
 */
public final class QuantizedUpdate implements CompressedUpdate {
    /** Largest number of levels (8-bit codes). */
    public static final int MAX_LEVELS = 127;

    /** How codes map to values. */
    public enum Scheme {
        /** Codes in {@code [-levels, levels]}, value {@code scale * code / levels}. */
        SYMMETRIC(0),
        /** Codes {@code ±1}, value {@code scale * code}; one bit on the wire. */
        SIGN(1);

        private final int code;

        Scheme(int code) {
            this.code = code;
        }

        /** @return the code written in the wire header */
        public int code() {
            return code;
        }
    }

    private final int dim;
    private final Scheme scheme;
    private final int levels;
    private final int[] segments;
    private final int bucketSize;
    private final float[] scales;
    private final byte[] codes;

    /**
     * @param scheme     how codes map to values
     * @param levels     number of positive levels, in {@code [1, 127]} (1 for {@link Scheme#SIGN})
     * @param segments   segment lengths, each at least 1; copied
     * @param bucketSize elements per bucket, at least 1
     * @param scales     one finite, non-negative scale per bucket; copied
     * @param codes      one code per element; copied
     * @throws IllegalArgumentException when the pieces do not fit together or a code or scale is out of range
     */
    public QuantizedUpdate(Scheme scheme, int levels, int[] segments, int bucketSize, float[] scales, byte[] codes) {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(segments, "segments");
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(codes, "codes");
        String err = validate(scheme, levels, segments, bucketSize, scales.length, codes.length);
        if (err != null) {
            throw new IllegalArgumentException(err);
        }
        for (int b = 0; b < scales.length; b++) {
            if (!(scales[b] >= 0f) || !Float.isFinite(scales[b])) {
                throw new IllegalArgumentException("scale " + b + " must be finite and >= 0, got " + scales[b]);
            }
        }
        for (int i = 0; i < codes.length; i++) {
            if (!codeOk(scheme, levels, codes[i])) {
                throw new IllegalArgumentException("code " + i + " = " + codes[i] + " is outside the " + scheme
                        + " scheme with " + levels + " levels");
            }
        }
        this.dim = codes.length;
        this.scheme = scheme;
        this.levels = levels;
        this.segments = segments.clone();
        this.bucketSize = bucketSize;
        this.scales = scales.clone();
        this.codes = codes.clone();
    }

    private QuantizedUpdate(Scheme scheme, int levels, int[] segments, int bucketSize, float[] scales, byte[] codes,
            boolean owned) {
        this.dim = codes.length;
        this.scheme = scheme;
        this.levels = levels;
        this.segments = segments;
        this.bucketSize = bucketSize;
        this.scales = scales;
        this.codes = codes;
    }

    /** Wraps arrays handed over by a compressor or the decoder, already validated. */
    static QuantizedUpdate wrap(Scheme scheme, int levels, int[] segments, int bucketSize, float[] scales,
            byte[] codes) {
        return new QuantizedUpdate(scheme, levels, segments, bucketSize, scales, codes, true);
    }

    static boolean codeOk(Scheme scheme, int levels, int code) {
        return scheme == Scheme.SIGN ? (code == 1 || code == -1) : (code >= -levels && code <= levels);
    }

    /** @return an error message, or null when the layout is consistent */
    static String validate(Scheme scheme, int levels, int[] segments, int bucketSize, long nScales, long dim) {
        if (scheme == Scheme.SIGN ? levels != 1 : (levels < 1 || levels > MAX_LEVELS)) {
            return "levels must be " + (scheme == Scheme.SIGN ? "1 for signs" : "in [1, " + MAX_LEVELS + "]")
                    + ", got " + levels;
        }
        if (bucketSize < 1) {
            return "bucketSize must be >= 1, got " + bucketSize;
        }
        long total = 0;
        long nb = 0;
        for (int s = 0; s < segments.length; s++) {
            if (segments[s] < 1) {
                return "segment " + s + " length must be >= 1, got " + segments[s];
            }
            total += segments[s];
            nb += (segments[s] + (long) bucketSize - 1) / bucketSize;
        }
        if (total != dim) {
            return "segments sum to " + total + " but dim is " + dim;
        }
        if (nb != nScales) {
            return "layout has " + nb + " buckets but " + nScales + " scales";
        }
        return null;
    }

    /** @return the number of buckets of a layout */
    static long bucketCount(int[] segments, int bucketSize) {
        long nb = 0;
        for (int s : segments) {
            nb += (s + (long) bucketSize - 1) / bucketSize;
        }
        return nb;
    }

    /** @return bits per code on the wire */
    static int bitsPerCode(Scheme scheme, int levels) {
        return scheme == Scheme.SIGN ? 1 : 32 - Integer.numberOfLeadingZeros(2 * levels);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public long elements() {
        return dim;
    }

    @Override
    public long wireBytes() {
        return UpdateCodec.HEADER_BYTES + 2L + 4L + 4L + 4L * segments.length + 4L * scales.length
                + ((long) dim * bitsPerCode() + 7) / 8;
    }

    @Override
    public void addTo(float[] target, float weight) {
        CompressedUpdate.checkTarget(target, dim);
        CompressKernels k = CompressKernels.get();
        float perLevel = scheme == Scheme.SIGN ? 1f : 1f / levels;
        int off = 0;
        int b = 0;
        for (int seg : segments) {
            int end = off + seg;
            for (int start = off; start < end; start += bucketSize) {
                int n = Math.min(bucketSize, end - start);
                float s = scales[b++];
                if (s != 0f) {
                    k.accumulateCodes(codes, start, n, weight * s * perLevel, target, start);
                }
            }
            off = end;
        }
    }

    /** @return the scheme */
    public Scheme scheme() {
        return scheme;
    }

    /** @return number of positive levels */
    public int levels() {
        return levels;
    }

    /** @return bits per code on the wire */
    public int bitsPerCode() {
        return bitsPerCode(scheme, levels);
    }

    /** @return elements per bucket */
    public int bucketSize() {
        return bucketSize;
    }

    /** @return a copy of the segment lengths */
    public int[] segments() {
        return segments.clone();
    }

    /** @return a copy of the per-bucket scales */
    public float[] scales() {
        return scales.clone();
    }

    /**
     * @param i element index
     * @return its code
     */
    public int code(int i) {
        return codes[i];
    }

    int[] segmentArray() {
        return segments;
    }

    float[] scaleArray() {
        return scales;
    }

    byte[] codeArray() {
        return codes;
    }
}
