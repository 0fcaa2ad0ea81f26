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
 * <p>In memory and on the wire the codes are packed, {@link #bitsPerCode()} bits each, least significant bit first:
 * 1 for signs, {@code ceil(log2(2*levels+1))} otherwise (2 bits for ternary, 4 for 7 levels, 8 for 127), as
 * {@code levels + code} (1 for +1 and 0 for -1 for signs); scales are fp32. For the symmetric scheme the wire carries
 * instead, when that is smaller ({@link #coding()}), the Elias-gamma coding of QSGD: the number of non-zero codes,
 * then for each non-zero code the gap to the previous one, its sign bit and its magnitude (see {@link Coding}).
 * {@link #wireBytes()} counts the chosen coding exactly; it scans the codes once, on the first call.
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

    /**
     * How the codes travel on the wire; the encoder picks the smaller and records it (flag byte 7 of the header).
     *
     * <p>[reconstructed] {@link #ELIAS_GAMMA} follows the encoding of Alistarh et al. (QSGD, NeurIPS 2017, §3.2):
     * the paper writes each bucket's norm (32 bits, here the bucket scales, fp32, before the codes), then for every
     * non-zero coordinate the Elias code of its distance from the previous non-zero coordinate, its sign and the
     * Elias code of its level. Here the integers are Elias-gamma coded ({@code floor(log2 v)} zero bits, then v in
     * {@code floor(log2 v) + 1} bits, most significant first; the paper's analysis uses the recursive Elias code),
     * the stream starts with gamma(nnz + 1), gaps run across buckets and segments over the whole vector (the first
     * gap is index + 1), the sign bit is 1 for negative codes, and the bits are written least significant bit first
     * within each byte, the last byte padded with zero bits.
     */
    public enum Coding {
        /** Fixed-width codes, {@link #bitsPerCode()} bits per element. */
        FIXED(0),
        /** Elias-gamma coded gaps, signs and levels of the non-zero codes. */
        ELIAS_GAMMA(1);

        private final int code;

        Coding(int code) {
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
    private final int bits;
    private final byte[] packed;
    /** Size of the Elias-gamma stream, computed on first use (idempotent, so a race is harmless). */
    private volatile EliasSize elias;

    /** Bits and non-zero count of the Elias-gamma stream. */
    private record EliasSize(long bits, long nonZeros) {
    }
    /** Codes per byte when codes do not straddle bytes (else 0), and the byte of that many zero codes. */
    private final int perByte;
    private final int zeroByte;

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
        this.bits = bitsPerCode(scheme, levels);
        byte[] wire = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            wire[i] = (byte) (scheme == Scheme.SIGN ? (codes[i] > 0 ? 1 : 0) : codes[i] + levels);
        }
        this.packed = new byte[Math.toIntExact(packedBytes(codes.length, bits))];
        CompressKernels.scalar().pack(wire, 0, wire.length, bits, packed, 0);
        this.perByte = perByte(bits);
        this.zeroByte = zeroByte(scheme, levels, bits);
    }

    private QuantizedUpdate(Scheme scheme, int levels, int[] segments, int bucketSize, float[] scales, int dim,
            byte[] packed) {
        this.dim = dim;
        this.scheme = scheme;
        this.levels = levels;
        this.segments = segments;
        this.bucketSize = bucketSize;
        this.scales = scales;
        this.bits = bitsPerCode(scheme, levels);
        this.packed = packed;
        this.perByte = perByte(bits);
        this.zeroByte = zeroByte(scheme, levels, bits);
    }

    private static int perByte(int bits) {
        return 8 % bits == 0 ? 8 / bits : 0;
    }

    private static int zeroByte(Scheme scheme, int levels, int bits) {
        int z = 0;
        for (int q = 0; q < perByte(bits); q++) {
            z |= (scheme == Scheme.SIGN ? 1 : levels) << (q * bits);
        }
        return z;
    }

    /**
     * Wraps arrays handed over by a compressor or the decoder, already validated: {@code packed} holds {@code dim}
     * wire codes of {@link #bitsPerCode} bits with zero padding bits.
     */
    static QuantizedUpdate wrap(Scheme scheme, int levels, int[] segments, int bucketSize, float[] scales, int dim,
            byte[] packed) {
        return new QuantizedUpdate(scheme, levels, segments, bucketSize, scales, dim, packed);
    }

    /** @return bytes of {@code n} packed codes of {@code bits} bits */
    static long packedBytes(long n, int bits) {
        return (n * bits + 7) >>> 3;
    }

    /** @return the wire code ({@code bits} bits, at most 8) that starts at bit {@code bit} of {@code packed} */
    static int codeAt(byte[] packed, long bit, int bits) {
        int b = (int) (bit >>> 3);
        int sh = (int) (bit & 7);
        int v = packed[b] & 0xFF;
        if (sh + bits > 8) {
            v |= (packed[b + 1] & 0xFF) << 8;
        }
        return (v >>> sh) & ((1 << bits) - 1);
    }

    /** @return the length of the Elias-gamma code of {@code v >= 1} */
    static int gammaBits(long v) {
        return 2 * (63 - Long.numberOfLeadingZeros(v)) + 1;
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

    /** @return bytes of the header, layout and scales, before the codes */
    private long prefixBytes() {
        return UpdateCodec.HEADER_BYTES + 2L + 4L + 4L + 4L * segments.length + 4L * scales.length;
    }

    @Override
    public long wireBytes() {
        return prefixBytes() + (coding() == Coding.FIXED ? packed.length : (eliasBits() + 7) >>> 3);
    }

    /** @return the coding the wire uses: Elias-gamma when its bytes are fewer than the fixed-width codes' */
    public Coding coding() {
        if (scheme == Scheme.SIGN) {
            return Coding.FIXED;
        }
        return (eliasBits() + 7) >>> 3 < packed.length ? Coding.ELIAS_GAMMA : Coding.FIXED;
    }

    /** @return the number of bits of the Elias-gamma stream of the codes (computed once) */
    long eliasBits() {
        return eliasSize().bits();
    }

    /** @return the number of non-zero codes (computed once, with {@link #eliasBits}) */
    long nonZeros() {
        return eliasSize().nonZeros();
    }

    private EliasSize eliasSize() {
        EliasSize e = elias;
        if (e == null) {
            long total = 0;
            long nnz = 0;
            long prev = -1;
            for (int i = nextNonZero(0); i < dim; i = nextNonZero(i + 1)) {
                nnz++;
                total += gammaBits(i - prev) + 1 + gammaBits(Math.abs(code(i)));
                prev = i;
            }
            e = new EliasSize(total + gammaBits(nnz + 1), nnz);
            elias = e;
        }
        return e;
    }

    /**
     * @param from an element index, at most {@code dim}
     * @return the first element at or after {@code from} whose code is not zero, or {@code dim}; skips whole bytes of
     *     zero codes
     */
    int nextNonZero(int from) {
        int zero = scheme == Scheme.SIGN ? 1 : levels;
        int i = from;
        while (i < dim) {
            if (perByte > 0 && i % perByte == 0 && i + perByte <= dim
                    && (packed[(int) ((long) i * bits >>> 3)] & 0xFF) == zeroByte) {
                i += perByte;
            } else if (codeAt(packed, (long) i * bits, bits) != zero) {
                return i;
            } else {
                i++;
            }
        }
        return dim;
    }

    @Override
    public void addTo(float[] target, float weight) {
        CompressedUpdate.checkTarget(target, dim);
        CompressKernels k = CompressKernels.get();
        boolean sign = scheme == Scheme.SIGN;
        float perLevel = sign ? 1f : 1f / levels;
        int mul = sign ? 2 : 1;
        int sub = sign ? 1 : levels;
        int off = 0;
        int b = 0;
        for (int seg : segments) {
            int end = off + seg;
            for (int start = off; start < end; start += bucketSize) {
                int n = Math.min(bucketSize, end - start);
                float s = scales[b++];
                if (s != 0f) {
                    k.accumulatePacked(packed, bits, start, n, mul, sub, weight * s * perLevel, target, start);
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
        return bits;
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
        java.util.Objects.checkIndex(i, dim);
        int c = codeAt(packed, (long) i * bits, bits);
        return scheme == Scheme.SIGN ? 2 * c - 1 : c - levels;
    }

    int[] segmentArray() {
        return segments;
    }

    float[] scaleArray() {
        return scales;
    }

    /** @return the packed wire codes (not a copy) */
    byte[] packedArray() {
        return packed;
    }
}
