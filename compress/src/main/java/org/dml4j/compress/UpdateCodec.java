package org.dml4j.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Versioned binary encoding of {@link CompressedUpdate}s.
 *
 * <p>Common header (12 bytes, little endian): magic {@code "DMLU"} (4 bytes), format version (1 byte), kind (1 byte),
 * two kind-specific flag bytes, dim (4 bytes). Payloads:
 * <ul>
 *   <li>dense (kind 1; flag 0 = {@link ValueFormat} code): {@code dim} values;</li>
 *   <li>sparse (kind 2; flag 0 = value format, flag 1 = {@link SparseUpdate.IndexEncoding} code): entry count
 *       (4 bytes), the indices as varint gaps, a bitmap or (version 2) the seed and per-segment counts they were
 *       drawn from, then the values;</li>
 *   <li>quantized (kind 3; flag 0 = {@link QuantizedUpdate.Scheme} code, flag 1 = {@link QuantizedUpdate.Coding}
 *       code, 0 in version 1): levels (2 bytes), bucket size (4), segment count (4), segment lengths (4 each), one
 *       fp32 scale per bucket, then either the codes packed least significant bit first ({@code levels + code} for
 *       the symmetric scheme, 1 for +1 and 0 for -1 for signs), padding bits zero, or their Elias-gamma stream;</li>
 *   <li>low-rank (kind 4; flag 0 = value format): block count (4), then per block a type byte and either
 *       {@code rows, cols, rank} (4 bytes each) with P and Q, or a length (4) with the raw values.</li>
 * </ul>
 *
 * <p>The reader checks every length against the declared dimension and the bytes left before it allocates, so a
 * length field never makes it allocate more than the declared dimension (bounded by {@code maxDim}) allows. Any byte
 * string that is not a valid encoding, including non-finite values, unknown versions and trailing bytes, fails with
 * {@link MalformedUpdateException} and nothing else.
 *
 * <p>Lengths and positions are {@code long}: an encoding may be longer than one Java array (a dense update of more
 * than 536,870,909 fp32 values, a 2 GiB encoding), and is then written and read as {@link SegmentedBytes}
 * ({@link #encodeSegmented}, {@link #decode(SegmentedBytes, int)}) of any segment sizes, values straddling segment
 * boundaries. The bytes do not depend on the segmentation, and the format has no length field wider than the
 * element counts it always had, so versions 1 and 2 were already able to describe such updates; the segmented
 * reader reads them as they are.
 *
 * <p>Thread-safe (stateless).
 */
public final class UpdateCodec {
    /**
     * Format version written by this code. Version 2 added the Elias-gamma coding of quantized codes (flag byte 7 of
     * a quantized update) and seeded sparse indices (index encoding 2); version 1 encodings, which have neither, are
     * still read.
     */
    public static final int CURRENT_VERSION = 2;
    /** Size of the common header. */
    public static final int HEADER_BYTES = 12;
    private static final int MAGIC = 0x554C4D44; // "DMLU" read little endian
    static final byte KIND_DENSE = 1;
    static final byte KIND_SPARSE = 2;
    static final byte KIND_QUANTIZED = 3;
    static final byte KIND_LOW_RANK = 4;
    private static final byte BLOCK_RAW = 0;
    private static final byte BLOCK_FACTORED = 1;

    private UpdateCodec() {
    }

    /**
     * @param u the update
     * @return its encoding, exactly {@code u.wireBytes()} long
     * @throws IllegalArgumentException when it is a low-rank update with {@linkplain LowRankUpdate.Factored#exchanged()
     *                                  exchanged} blocks (their factors are on the round exchange's wire, not here)
     */
    public static byte[] encode(CompressedUpdate u) {
        Objects.requireNonNull(u, "u");
        long len = u.wireBytes();
        if (len > SegmentedBytes.MAX_ARRAY) {
            throw new IllegalArgumentException("the update's encoding is " + len + " bytes, longer than one array ("
                    + SegmentedBytes.MAX_ARRAY + "); use encodeSegmented");
        }
        byte[] out = new byte[(int) len];
        encode(u, out, 0);
        return out;
    }

    /**
     * Encodes into segments of a given size: the way to encode an update longer than one array, and to hand an
     * encoding to a transport chunk by chunk.
     *
     * @param u            the update
     * @param segmentBytes size of every segment but the last, which holds the rest (at least 1 byte)
     * @return the encoding, {@code u.wireBytes()} long, the same bytes {@link #encode(CompressedUpdate)} writes
     * @throws IllegalArgumentException when {@code segmentBytes < 1}
     */
    public static SegmentedBytes encodeSegmented(CompressedUpdate u, int segmentBytes) {
        Objects.requireNonNull(u, "u");
        if (segmentBytes < 1) {
            throw new IllegalArgumentException("segmentBytes must be >= 1, got " + segmentBytes);
        }
        long len = u.wireBytes();
        long n = (len + segmentBytes - 1) / segmentBytes;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(len + " bytes in segments of " + segmentBytes + " are too many"
                    + " segments");
        }
        ByteBuffer[] segs = new ByteBuffer[(int) n];
        for (int i = 0; i < segs.length; i++) {
            segs[i] = ByteBuffer.wrap(new byte[(int) Math.min(segmentBytes, len - (long) i * segmentBytes)]);
        }
        write(u, new Writer(segs, segmentBytes), len);
        for (ByteBuffer b : segs) {
            b.rewind();
        }
        return SegmentedBytes.own(segs, len);
    }

    /**
     * The fp32 dense encoding of a vector ({@code encodeSegmented(new DenseUpdate(values), segmentBytes)}) without
     * the copy {@link DenseUpdate} makes: for models too large to hold twice.
     *
     * @param values       the vector; read, not kept
     * @param segmentBytes size of every segment but the last (at least 1 byte)
     * @return the encoding
     * @throws IllegalArgumentException when a value is not finite or {@code segmentBytes < 1}
     */
    public static SegmentedBytes encodeDenseSegmented(float[] values, int segmentBytes) {
        Objects.requireNonNull(values, "values");
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("value " + i + " is not finite: " + values[i]);
            }
        }
        return encodeSegmented(DenseUpdate.wrap(values, ValueFormat.FP32), segmentBytes);
    }

    /**
     * Encodes into a caller-owned buffer.
     *
     * @param u   the update
     * @param dst destination with at least {@code u.wireBytes()} bytes from {@code off}
     * @param off where to start writing
     * @return the number of bytes written, {@code u.wireBytes()}
     * @throws IndexOutOfBoundsException when {@code dst} is too short
     */
    public static int encode(CompressedUpdate u, byte[] dst, int off) {
        Objects.requireNonNull(u, "u");
        long wire = u.wireBytes();
        if (wire > SegmentedBytes.MAX_ARRAY) {
            throw new IndexOutOfBoundsException("the update's encoding is " + wire + " bytes, longer than an array");
        }
        int len = (int) wire;
        Objects.checkFromIndexSize(off, len, dst.length);
        write(u, new Writer(new ByteBuffer[] {ByteBuffer.wrap(dst, off, len).slice()}, Math.max(1, len)), len);
        return len;
    }

    private static void write(CompressedUpdate u, Writer w, long len) {
        if (u instanceof LowRankUpdate l && l.hasExchangedBlocks()) {
            throw new IllegalArgumentException("the low-rank update has blocks whose factors travelled in the round"
                    + " exchange (powersgd shared-q): it has no encoding of its own, only its count of wire bytes");
        }
        w.putInt(MAGIC);
        w.put(CURRENT_VERSION);
        switch (u) {
            case DenseUpdate d -> {
                w.put(KIND_DENSE);
                w.put(d.valueFormat().code());
                w.put(0);
                w.putInt(d.dim());
                w.putValues(d.values(), 0, d.dim(), d.valueFormat());
            }
            case SparseUpdate s -> encodeSparse(s, w);
            case QuantizedUpdate q -> encodeQuantized(q, w);
            case LowRankUpdate l -> encodeLowRank(l, w);
        }
        if (w.pos() != len) {
            throw new IllegalStateException("encoded " + w.pos() + " bytes but wireBytes() says " + len);
        }
    }

    private static void encodeSparse(SparseUpdate s, Writer w) {
        SparseUpdate.IndexEncoding enc = s.indexEncoding();
        w.put(KIND_SPARSE);
        w.put(s.valueFormat().code());
        w.put(enc.code());
        w.putInt(s.dim());
        int[] idx = s.indexArray();
        w.putInt(idx.length);
        if (enc == SparseUpdate.IndexEncoding.VARINT_GAPS) {
            int prev = -1;
            for (int i : idx) {
                w.putVarint(i - prev - 1);
                prev = i;
            }
        } else if (enc == SparseUpdate.IndexEncoding.SEEDED) {
            SparseUpdate.Seeded sd = s.seeded();
            w.putLong(sd.seed());
            w.putInt(sd.segments().length);
            for (int g = 0; g < sd.segments().length; g++) {
                w.putInt(sd.segments()[g]);
                w.putInt(sd.counts()[g]);
            }
        } else {
            byte[] bitmap = new byte[(int) SparseUpdate.bitmapBytes(s.dim())];
            for (int i : idx) {
                bitmap[i >>> 3] |= (byte) (1 << (i & 7));
            }
            w.putBytes(bitmap, 0, bitmap.length);
        }
        w.putValues(s.valueArray(), 0, idx.length, s.valueFormat());
    }

    private static void encodeQuantized(QuantizedUpdate q, Writer w) {
        QuantizedUpdate.Coding coding = q.coding();
        w.put(KIND_QUANTIZED);
        w.put(q.scheme().code());
        w.put(coding.code());
        w.putInt(q.dim());
        w.putShort(q.levels());
        w.putInt(q.bucketSize());
        int[] segs = q.segmentArray();
        w.putInt(segs.length);
        for (int s : segs) {
            w.putInt(s);
        }
        for (float s : q.scaleArray()) {
            w.putInt(Float.floatToRawIntBits(s));
        }
        if (coding == QuantizedUpdate.Coding.FIXED) {
            byte[] packed = q.packedArray();
            w.putBytes(packed, 0, packed.length);
            return;
        }
        int dim = q.dim();
        BitWriter bw = new BitWriter(w);
        bw.gamma(q.nonZeros() + 1);
        int prev = -1;
        for (int i = q.nextNonZero(0); i < dim; i = q.nextNonZero(i + 1)) {
            int c = q.code(i);
            bw.gamma(i - prev);
            bw.bit(c < 0 ? 1 : 0);
            bw.gamma(Math.abs(c));
            prev = i;
        }
        bw.finish();
    }

    private static void encodeLowRank(LowRankUpdate l, Writer w) {
        ValueFormat f = l.valueFormat();
        w.put(KIND_LOW_RANK);
        w.put(f.code());
        w.put(0);
        w.putInt(l.dim());
        LowRankUpdate.Block[] blocks = l.blockArray();
        w.putInt(blocks.length);
        for (LowRankUpdate.Block b : blocks) {
            switch (b) {
                case LowRankUpdate.Factored fb -> {
                    w.put(BLOCK_FACTORED);
                    w.putInt(fb.rows());
                    w.putInt(fb.cols());
                    w.putInt(fb.rank());
                    w.putValues(fb.p(), 0, fb.p().length, f);
                    w.putValues(fb.q(), 0, fb.q().length, f);
                }
                case LowRankUpdate.Raw r -> {
                    w.put(BLOCK_RAW);
                    w.putInt(r.values().length);
                    w.putValues(r.values(), 0, r.values().length, f);
                }
            }
        }
    }

    /**
     * @param bytes  an encoding
     * @param maxDim the largest dimension the caller accepts (the model size)
     * @return the decoded update
     * @throws MalformedUpdateException when the bytes are not a valid encoding
     */
    public static CompressedUpdate decode(byte[] bytes, int maxDim) {
        Objects.requireNonNull(bytes, "bytes");
        return decode(SegmentedBytes.wrap(bytes), maxDim);
    }

    /**
     * Decodes an encoding held in segments (of any sizes; see {@link SegmentedBytes}), which may be longer than one
     * array. Reads exactly what {@link #decode(byte[], int)} reads, with the same checks.
     *
     * @param bytes  an encoding
     * @param maxDim the largest dimension the caller accepts (the model size)
     * @return the decoded update
     * @throws MalformedUpdateException when the bytes are not a valid encoding
     */
    public static CompressedUpdate decode(SegmentedBytes bytes, int maxDim) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length() < HEADER_BYTES) {
            throw new MalformedUpdateException("update is " + bytes.length() + " bytes, shorter than the "
                    + HEADER_BYTES + "-byte header");
        }
        Reader r = new Reader(bytes);
        if (r.getInt() != MAGIC) {
            throw new MalformedUpdateException("bad magic at byte 0: not a dml4j update");
        }
        int version = r.getByte();
        if (version < 1 || version > CURRENT_VERSION) {
            throw new MalformedUpdateException("unsupported update format version " + version + " at byte 4; this"
                    + " reader knows versions 1 to " + CURRENT_VERSION);
        }
        int kind = r.getByte();
        int flag0 = r.getByte();
        int flag1 = r.getByte();
        int dim = r.getInt();
        if (dim < 0 || dim > maxDim) {
            throw new MalformedUpdateException("dim " + dim + " at byte 8 is outside [0, " + maxDim + "]");
        }
        CompressedUpdate u = switch (kind) {
            case KIND_DENSE -> decodeDense(r, dim, flag0, flag1);
            case KIND_SPARSE -> decodeSparse(r, dim, flag0, flag1, version);
            case KIND_QUANTIZED -> decodeQuantized(r, dim, flag0, version == 1 ? zeroed(flag1) : flag1);
            case KIND_LOW_RANK -> decodeLowRank(r, dim, flag0, flag1);
            default -> throw new MalformedUpdateException("unknown update kind " + kind + " at byte 5");
        };
        if (r.remaining() != 0) {
            throw new MalformedUpdateException(r.remaining() + " trailing bytes at byte " + r.pos());
        }
        return u;
    }

    private static ValueFormat format(int code) {
        ValueFormat f = ValueFormat.ofCode(code);
        if (f == null) {
            throw new MalformedUpdateException("unknown value format " + code + " at byte 6");
        }
        return f;
    }

    /** Version 1 had no flag at byte 7 of quantized updates. */
    private static int zeroed(int flag1) {
        zeroFlag(flag1, 7);
        return 0;
    }

    private static void zeroFlag(int flag, int at) {
        if (flag != 0) {
            throw new MalformedUpdateException("reserved byte " + at + " must be 0, got " + flag);
        }
    }

    private static DenseUpdate decodeDense(Reader r, int dim, int flag0, int flag1) {
        ValueFormat f = format(flag0);
        zeroFlag(flag1, 7);
        long need = (long) dim * f.bytes();
        if (r.remaining() != need) {
            throw new MalformedUpdateException("dense update of dim " + dim + " must be " + (HEADER_BYTES + need)
                    + " bytes, got " + r.length());
        }
        float[] v = new float[dim];
        r.getValues(v, 0, dim, f);
        return DenseUpdate.wrap(v, f);
    }

    private static SparseUpdate decodeSparse(Reader r, int dim, int flag0, int flag1, int version) {
        ValueFormat f = format(flag0);
        if (flag1 != 0 && flag1 != 1 && !(flag1 == 2 && version >= 2)) {
            throw new MalformedUpdateException("unknown index encoding " + flag1 + " at byte 7");
        }
        long nnzAt = r.pos();
        int nnz = r.getInt();
        if (nnz < 0 || nnz > dim) {
            throw new MalformedUpdateException("entry count " + nnz + " at byte " + nnzAt + " is outside [0, " + dim
                    + "]");
        }
        long valueBytes = (long) nnz * f.bytes();
        if (flag1 == 2) {
            return decodeSeeded(r, dim, nnz, f, valueBytes);
        }
        long minIndexBytes = flag1 == 0 ? nnz : SparseUpdate.bitmapBytes(dim);
        if (r.remaining() < minIndexBytes + valueBytes) {
            throw new MalformedUpdateException("truncated sparse update: " + nnz + " entries need at least "
                    + (minIndexBytes + valueBytes) + " bytes after byte " + r.pos() + ", " + r.remaining() + " left");
        }
        int[] idx = new int[nnz];
        if (flag1 == 0) {
            long prev = -1;
            for (int i = 0; i < nnz; i++) {
                long next = prev + 1 + r.getVarint();
                if (next >= dim) {
                    throw new MalformedUpdateException("index " + next + " of entry " + i + " (ending at byte "
                            + r.pos() + ") is not below dim " + dim);
                }
                idx[i] = (int) next;
                prev = next;
            }
        } else {
            long start = r.pos();
            byte[] bitmap = new byte[(int) SparseUpdate.bitmapBytes(dim)];
            r.getBytes(bitmap, 0, bitmap.length);
            int nb = bitmap.length;
            int c = 0;
            for (int b = 0; b < nb; b++) {
                int bits = bitmap[b] & 0xFF;
                while (bits != 0) {
                    int bit = Integer.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    int i = (b << 3) + bit;
                    if (i >= dim) {
                        throw new MalformedUpdateException("bitmap bit " + i + " at byte " + (start + b)
                                + " is beyond dim " + dim);
                    }
                    if (c >= nnz) {
                        throw new MalformedUpdateException("bitmap at byte " + start + " has more than the " + nnz
                                + " declared entries");
                    }
                    idx[c++] = i;
                }
            }
            if (c != nnz) {
                throw new MalformedUpdateException("bitmap at byte " + start + " has " + c + " entries, " + nnz
                        + " declared");
            }
        }
        if (r.remaining() < valueBytes) {
            throw new MalformedUpdateException("truncated sparse values at byte " + r.pos() + ": need " + valueBytes
                    + ", " + r.remaining() + " left");
        }
        float[] v = new float[nnz];
        r.getValues(v, 0, nnz, f);
        return SparseUpdate.wrap(dim, idx, v, f);
    }

    /** Seeded indices: the seed and per-segment counts, the indices drawn again (see {@link RandKCompressor}). */
    private static SparseUpdate decodeSeeded(Reader r, int dim, int nnz, ValueFormat f, long valueBytes) {
        long at = r.pos();
        long seed = r.getLong();
        int nSeg = r.getInt();
        if (nSeg < 1 || nSeg > dim || 8L * nSeg + valueBytes != r.remaining()) {
            throw new MalformedUpdateException("seeded indices at byte " + at + ": segment count " + nSeg
                    + " does not fit dim " + dim + ", " + nnz + " entries and " + r.remaining() + " bytes left");
        }
        int[] segs = new int[nSeg];
        int[] counts = new int[nSeg];
        long total = 0;
        long entries = 0;
        for (int g = 0; g < nSeg; g++) {
            segs[g] = r.getInt();
            counts[g] = r.getInt();
            if (segs[g] < 1 || counts[g] < 0 || counts[g] > segs[g]) {
                throw new MalformedUpdateException("seeded segment " + g + " before byte " + r.pos() + ": length "
                        + segs[g] + ", count " + counts[g]);
            }
            total += segs[g];
            entries += counts[g];
        }
        if (total != dim || entries != nnz) {
            throw new MalformedUpdateException("seeded segments at byte " + at + " cover " + total + " elements and "
                    + entries + " entries, not dim " + dim + " and " + nnz);
        }
        int[] idx = RandKCompressor.drawIndices(seed, segs, counts, new long[(dim + 63) >>> 6]);
        float[] v = new float[nnz];
        r.getValues(v, 0, nnz, f);
        SparseUpdate u = SparseUpdate.wrapSeeded(dim, idx, v, f, new SparseUpdate.Seeded(seed, segs, counts));
        if (u.indexEncoding() != SparseUpdate.IndexEncoding.SEEDED) {
            throw new MalformedUpdateException("seeded indices at byte " + at + " are longer than the "
                    + u.indexEncoding() + " encoding: not a canonical encoding");
        }
        return u;
    }

    private static QuantizedUpdate decodeQuantized(Reader r, int dim, int flag0, int flag1) {
        QuantizedUpdate.Scheme scheme = switch (flag0) {
            case 0 -> QuantizedUpdate.Scheme.SYMMETRIC;
            case 1 -> QuantizedUpdate.Scheme.SIGN;
            default -> throw new MalformedUpdateException("unknown quantization scheme " + flag0 + " at byte 6");
        };
        if (flag1 != 0 && !(flag1 == 1 && scheme == QuantizedUpdate.Scheme.SYMMETRIC)) {
            throw new MalformedUpdateException("unknown code coding " + flag1 + " at byte 7 for the " + scheme
                    + " scheme");
        }
        int levels = r.getShort();
        int bucketSize = r.getInt();
        long nSegAt = r.pos();
        int nSeg = r.getInt();
        if (nSeg < 0 || nSeg > dim || 4L * nSeg > r.remaining()) {
            throw new MalformedUpdateException("segment count " + nSeg + " at byte " + nSegAt + " is invalid for dim "
                    + dim + " and " + r.remaining() + " bytes left");
        }
        int[] segs = new int[nSeg];
        for (int s = 0; s < nSeg; s++) {
            segs[s] = r.getInt();
        }
        long nb = bucketSize >= 1 ? QuantizedUpdate.bucketCount(segs, bucketSize) : -1;
        String err = QuantizedUpdate.validate(scheme, levels, segs, bucketSize, nb, dim);
        if (err != null) {
            throw new MalformedUpdateException("bad quantized layout before byte " + r.pos() + ": " + err);
        }
        int bits = QuantizedUpdate.bitsPerCode(scheme, levels);
        long codeBytes = QuantizedUpdate.packedBytes(dim, bits);
        boolean elias = flag1 == 1;
        if (elias ? r.remaining() < 4 * nb + 1 : r.remaining() != 4 * nb + codeBytes) {
            throw new MalformedUpdateException("quantized payload after byte " + r.pos() + " must be "
                    + (elias ? "more than " + 4 * nb : 4 * nb + codeBytes) + " bytes, got " + r.remaining());
        }
        float[] scales = new float[(int) nb];
        for (int b = 0; b < nb; b++) {
            float s = Float.intBitsToFloat(r.getInt());
            if (!(s >= 0f) || !Float.isFinite(s)) {
                throw new MalformedUpdateException("scale " + b + " before byte " + r.pos() + " must be finite and"
                        + " >= 0, got " + s);
            }
            scales[b] = s;
        }
        if (codeBytes > SegmentedBytes.MAX_ARRAY) {
            throw new MalformedUpdateException(dim + " codes of " + bits + " bits do not fit in one array");
        }
        byte[] packed = new byte[(int) codeBytes];
        if (elias) {
            decodeElias(r, dim, levels, bits, packed);
        } else {
            long codesAt = r.pos();
            r.getBytes(packed, 0, packed.length);
            if (scheme == QuantizedUpdate.Scheme.SYMMETRIC) {
                for (int i = 0; i < dim; i++) {
                    int c = QuantizedUpdate.codeAt(packed, (long) i * bits, bits);
                    if (c > 2 * levels) {
                        throw new MalformedUpdateException("code " + c + " of element " + i + " at byte "
                                + (codesAt + (long) i * bits / 8) + " exceeds 2*levels = " + 2 * levels);
                    }
                }
            }
            int used = (int) (((long) dim * bits) & 7);
            if (used != 0 && (packed[packed.length - 1] & 0xFF) >>> used != 0) {
                throw new MalformedUpdateException("padding bits of the last code byte are not zero");
            }
        }
        QuantizedUpdate q = QuantizedUpdate.wrap(scheme, levels, segs, bucketSize, scales, dim, packed);
        if (q.coding().code() != flag1) {
            throw new MalformedUpdateException("the codes are " + (elias ? "Elias-gamma" : "fixed-width")
                    + " coded although the " + q.coding() + " coding is the smaller: not a canonical encoding");
        }
        return q;
    }

    /** Reads an Elias-gamma code stream (see {@link QuantizedUpdate.Coding#ELIAS_GAMMA}) into packed codes. */
    private static void decodeElias(Reader r, int dim, int levels, int bits, byte[] packed) {
        long start = r.pos();
        BitReader br = new BitReader(r, start);
        long nnz = br.gamma() - 1;
        if (nnz > dim) {
            throw new MalformedUpdateException("Elias stream at byte " + start + " declares " + nnz
                    + " non-zero codes, more than dim " + dim);
        }
        byte[] codes = new byte[dim];
        Arrays.fill(codes, (byte) levels);
        long prev = -1;
        for (long j = 0; j < nnz; j++) {
            long i = prev + br.gamma();
            if (i >= dim) {
                throw new MalformedUpdateException("position " + i + " of non-zero code " + j + " (bit "
                        + br.bitsRead() + " of the Elias stream at byte " + start + ") is not below dim " + dim);
            }
            boolean negative = br.bit() == 1;
            long level = br.gamma();
            if (level > levels) {
                throw new MalformedUpdateException("level " + level + " of non-zero code " + j + " (bit "
                        + br.bitsRead() + " of the Elias stream at byte " + start + ") exceeds levels = " + levels);
            }
            codes[(int) i] = (byte) (negative ? levels - level : levels + level);
            prev = i;
        }
        br.finish();
        if (r.remaining() != 0) {
            throw new MalformedUpdateException(r.remaining() + " trailing bytes after the Elias stream at byte "
                    + r.pos());
        }
        CompressKernels.scalar().pack(codes, 0, dim, bits, packed, 0);
    }

    private static LowRankUpdate decodeLowRank(Reader r, int dim, int flag0, int flag1) {
        ValueFormat f = format(flag0);
        zeroFlag(flag1, 7);
        long nAt = r.pos();
        int n = r.getInt();
        if (n < 0 || n > dim || 6L * n > r.remaining()) {
            throw new MalformedUpdateException("block count " + n + " at byte " + nAt + " is invalid for dim " + dim
                    + " and " + r.remaining() + " bytes left");
        }
        LowRankUpdate.Block[] blocks = new LowRankUpdate.Block[n];
        long covered = 0;
        for (int b = 0; b < n; b++) {
            long typeAt = r.pos();
            int type = r.getByte();
            if (type == BLOCK_RAW) {
                int len = r.getInt();
                if (len < 1 || covered + len > dim || (long) len * f.bytes() > r.remaining()) {
                    throw new MalformedUpdateException("raw block " + b + " at byte " + typeAt + " has invalid length "
                            + len);
                }
                float[] v = new float[len];
                r.getValues(v, 0, len, f);
                blocks[b] = new LowRankUpdate.Raw(v);
                covered += len;
            } else if (type == BLOCK_FACTORED) {
                int rows = r.getInt();
                int cols = r.getInt();
                int rank = r.getInt();
                if (rows < 1 || cols < 1 || rank < 1 || rank > Math.min(rows, cols)
                        || covered + (long) rows * cols > dim) {
                    throw new MalformedUpdateException("factored block " + b + " at byte " + typeAt
                            + " has invalid shape " + rows + " x " + cols + " rank " + rank);
                }
                long carried = (long) rank * (rows + cols);
                if (carried * f.bytes() > r.remaining()) {
                    throw new MalformedUpdateException("truncated factored block " + b + " at byte " + typeAt);
                }
                float[] p = new float[rank * rows];
                float[] q = new float[rank * cols];
                r.getValues(p, 0, p.length, f);
                r.getValues(q, 0, q.length, f);
                blocks[b] = new LowRankUpdate.Factored(rows, cols, rank, p, q);
                covered += (long) rows * cols;
            } else {
                throw new MalformedUpdateException("unknown block type " + type + " at byte " + typeAt);
            }
        }
        if (covered != dim) {
            throw new MalformedUpdateException("blocks cover " + covered + " elements, dim is " + dim);
        }
        return LowRankUpdate.wrap(dim, blocks, f);
    }

    /**
     * Little-endian writer over consecutive segments: one caller-sized array, or the segments of
     * {@link #encodeSegmented}; a value may straddle two segments.
     */
    private static final class Writer {
        private final ByteBuffer[] segs;
        private int si;
        private ByteBuffer cur;
        private long curStart;

        Writer(ByteBuffer[] segs, int segmentBytes) {
            this.segs = segs;
            for (ByteBuffer b : segs) {
                b.order(ByteOrder.LITTLE_ENDIAN);
            }
            this.cur = segs.length > 0 ? segs[0] : ByteBuffer.allocate(0);
        }

        long pos() {
            return curStart + cur.position();
        }

        private ByteBuffer room() {
            while (!cur.hasRemaining()) {
                if (si + 1 >= segs.length) {
                    throw new IllegalStateException("the encoding runs past wireBytes() at byte " + pos());
                }
                curStart += cur.limit();
                cur = segs[++si];
            }
            return cur;
        }

        void put(int b) {
            room().put((byte) b);
        }

        void putShort(int v) {
            if (cur.remaining() >= 2) {
                cur.putShort((short) v);
            } else {
                put(v);
                put(v >>> 8);
            }
        }

        void putInt(int v) {
            if (cur.remaining() >= 4) {
                cur.putInt(v);
            } else {
                put(v);
                put(v >>> 8);
                put(v >>> 16);
                put(v >>> 24);
            }
        }

        void putLong(long v) {
            putInt((int) v);
            putInt((int) (v >>> 32));
        }

        void putVarint(int v) {
            while ((v & ~0x7F) != 0) {
                put((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            put(v);
        }

        void putBytes(byte[] src, int off, int n) {
            while (n > 0) {
                ByteBuffer b = room();
                int m = Math.min(n, b.remaining());
                b.put(src, off, m);
                off += m;
                n -= m;
            }
        }

        /** Values whole within the current segment go in one loop; one that straddles goes byte by byte. */
        void putValues(float[] v, int off, int n, ValueFormat f) {
            int end = off + n;
            int i = off;
            int width = f.bytes();
            while (i < end) {
                int fit = Math.min(end - i, cur.remaining() / width);
                if (fit == 0) {
                    switch (f) {
                        case FP32 -> putInt(Float.floatToRawIntBits(v[i]));
                        case FP16 -> putShort(ValueFormat.toFp16(v[i]));
                        case BF16 -> putShort(ValueFormat.toBf16(v[i]));
                    }
                    i++;
                    continue;
                }
                ByteBuffer b = cur;
                switch (f) {
                    case FP32 -> {
                        for (int k = i; k < i + fit; k++) {
                            b.putInt(Float.floatToRawIntBits(v[k]));
                        }
                    }
                    case FP16 -> {
                        for (int k = i; k < i + fit; k++) {
                            b.putShort(ValueFormat.toFp16(v[k]));
                        }
                    }
                    case BF16 -> {
                        for (int k = i; k < i + fit; k++) {
                            b.putShort(ValueFormat.toBf16(v[k]));
                        }
                    }
                }
                i += fit;
            }
        }
    }

    /**
     * Little-endian reader over the segments of a {@link SegmentedBytes}, positions {@code long}; fails with
     * {@link MalformedUpdateException} at the end of the input.
     */
    private static final class Reader {
        private final ByteBuffer[] segs;
        private final long length;
        private int si;
        private ByteBuffer cur;
        private long curStart;

        Reader(SegmentedBytes bytes) {
            this.segs = bytes.littleEndianViews();
            this.length = bytes.length();
            this.cur = segs.length > 0 ? segs[0] : ByteBuffer.allocate(0);
        }

        long length() {
            return length;
        }

        long pos() {
            return curStart + cur.position();
        }

        long remaining() {
            return length - pos();
        }

        private void need(long n) {
            if (remaining() < n) {
                throw new MalformedUpdateException("truncated update: need " + n + " bytes at byte " + pos() + ", "
                        + remaining() + " left");
            }
        }

        /** @return the current segment, moved past exhausted ones (a caller checked the bytes are there) */
        private ByteBuffer data() {
            while (!cur.hasRemaining() && si + 1 < segs.length) {
                curStart += cur.limit();
                cur = segs[++si];
            }
            return cur;
        }

        int getByte() {
            need(1);
            return data().get() & 0xFF;
        }

        int getShort() {
            need(2);
            if (cur.remaining() >= 2) {
                return cur.getShort() & 0xFFFF;
            }
            int lo = getByte();
            return lo | getByte() << 8;
        }

        int getInt() {
            need(4);
            if (cur.remaining() >= 4) {
                return cur.getInt();
            }
            int b0 = getByte();
            int b1 = getByte();
            int b2 = getByte();
            return b0 | b1 << 8 | b2 << 16 | getByte() << 24;
        }

        long getLong() {
            long lo = getInt() & 0xFFFFFFFFL;
            return lo | (long) getInt() << 32;
        }

        long getVarint() {
            long start = pos();
            long v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = getByte();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (v > Integer.MAX_VALUE) {
                        throw new MalformedUpdateException("varint at byte " + start + " exceeds an int");
                    }
                    return v;
                }
            }
            throw new MalformedUpdateException("varint at byte " + start + " is longer than 5 bytes");
        }

        void getBytes(byte[] dst, int off, int n) {
            need(n);
            while (n > 0) {
                ByteBuffer b = data();
                int m = Math.min(n, b.remaining());
                b.get(dst, off, m);
                off += m;
                n -= m;
            }
        }

        /** Values whole within the current segment come in one loop; one that straddles comes byte by byte. */
        void getValues(float[] v, int off, int n, ValueFormat f) {
            need((long) n * f.bytes());
            int width = f.bytes();
            int end = off + n;
            int i = off;
            while (i < end) {
                ByteBuffer b = data();
                int fit = Math.min(end - i, b.remaining() / width);
                if (fit == 0) {
                    float x = switch (f) {
                        case FP32 -> Float.intBitsToFloat(getInt());
                        case FP16 -> Float.float16ToFloat((short) getShort());
                        case BF16 -> ValueFormat.fromBf16((short) getShort());
                    };
                    v[i] = finite(x, i - off);
                    i++;
                    continue;
                }
                switch (f) {
                    case FP32 -> {
                        for (int k = i; k < i + fit; k++) {
                            v[k] = finite(Float.intBitsToFloat(b.getInt()), k - off);
                        }
                    }
                    case FP16 -> {
                        for (int k = i; k < i + fit; k++) {
                            v[k] = finite(Float.float16ToFloat(b.getShort()), k - off);
                        }
                    }
                    case BF16 -> {
                        for (int k = i; k < i + fit; k++) {
                            v[k] = finite(ValueFormat.fromBf16(b.getShort()), k - off);
                        }
                    }
                }
                i += fit;
            }
        }

        private float finite(float x, int index) {
            if (!Float.isFinite(x)) {
                throw new MalformedUpdateException("value " + index + " before byte " + pos() + " is not finite: "
                        + x);
            }
            return x;
        }
    }

    /** Writes bits least significant bit first, byte by byte, through a {@link Writer}. */
    private static final class BitWriter {
        private final Writer w;
        private long acc;
        private int nacc;

        BitWriter(Writer w) {
            this.w = w;
        }

        void bit(int b) {
            bits(b, 1);
        }

        /** Writes the {@code len <= 57} low bits of {@code v}, least significant first. */
        private void bits(long v, int len) {
            acc |= v << nacc;
            nacc += len;
            if (nacc >= 8) {
                drain();
            }
        }

        /** Elias-gamma code of {@code v >= 1}: {@code floor(log2 v)} zeros, then v, most significant bit first. */
        void gamma(long v) {
            int n = 63 - Long.numberOfLeadingZeros(v);
            // v's n + 1 bits reversed, so that its most significant bit is written first, after n zero bits
            long reversed = Long.reverse(v) >>> (63 - n);
            if (n <= 28) {
                bits(reversed << n, 2 * n + 1);
            } else {
                bits(0, n);
                bits(reversed, n + 1);
            }
        }

        private void drain() {
            while (nacc >= 8) {
                w.put((int) acc);
                acc >>>= 8;
                nacc -= 8;
            }
        }

        /** Writes the last partial byte, padding bits zero. */
        void finish() {
            drain();
            if (nacc > 0) {
                w.put((int) acc);
                acc = 0;
                nacc = 0;
            }
        }
    }

    /** Reads bits least significant bit first, byte by byte from a {@link Reader}; fails as malformed at the end. */
    private static final class BitReader {
        private final Reader r;
        private final long start;
        private long bits;
        private int cur;
        private int avail;

        BitReader(Reader r, long start) {
            this.r = r;
            this.start = start;
        }

        int bit() {
            if (avail == 0) {
                if (r.remaining() < 1) {
                    throw new MalformedUpdateException("truncated Elias stream at byte " + start);
                }
                cur = r.getByte();
                avail = 8;
            }
            int v = cur & 1;
            cur >>>= 1;
            avail--;
            bits++;
            return v;
        }

        long gamma() {
            int n = 0;
            while (bit() == 0) {
                if (++n > 31) {
                    throw new MalformedUpdateException("Elias code longer than 63 bits at bit " + bitsRead()
                            + " of the stream at byte " + start);
                }
            }
            long v = 1;
            for (int j = 0; j < n; j++) {
                v = v << 1 | bit();
            }
            return v;
        }

        long bitsRead() {
            return bits;
        }

        /** Checks that the padding bits of the stream's last byte are zero. */
        void finish() {
            if (avail > 0 && cur != 0) {
                throw new MalformedUpdateException("padding bits of the Elias stream's last byte are not zero");
            }
        }
    }
}
