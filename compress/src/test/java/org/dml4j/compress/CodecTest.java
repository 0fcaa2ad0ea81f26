package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CodecTest {
    /** Generator of the golden bytes below, kept with the test. */
    static SparseUpdate goldenSparse() {
        return new SparseUpdate(300, new int[] {0, 5, 200}, new float[] {1f, -2f, 0.5f}, ValueFormat.FP32);
    }

    @Test
    void sparseGoldenBytes() {
        // Prepare: gaps 0, 4, 194 (= 0xC2 0x01 as a varint): 4 bytes of indices beat a 38-byte bitmap
        String want = "444d4c550202000" + "02c010000" + "03000000" + "0004c201"
                + "0000803f" + "000000c0" + "0000003f";
        // Execute
        byte[] bytes = UpdateCodec.encode(goldenSparse());
        // Assert
        assertEquals(want, HexFormat.of().formatHex(bytes));
        assertEquals(SparseUpdate.IndexEncoding.VARINT_GAPS, goldenSparse().indexEncoding());
        assertArrayEquals(goldenSparse().toDense(), UpdateCodec.decode(bytes, 300).toDense());
        // version 1 wrote the same bytes with 01 at byte 4; they still decode
        bytes[4] = 1;
        assertArrayEquals(goldenSparse().toDense(), UpdateCodec.decode(bytes, 300).toDense());
    }

    @Test
    void denseSparseUpdatesUseTheBitmap() {
        int[] idx = new int[60];
        float[] val = new float[60];
        for (int i = 0; i < 60; i++) {
            idx[i] = i * 2;
            val[i] = i;
        }
        SparseUpdate u = new SparseUpdate(120, idx, val, ValueFormat.BF16);
        assertEquals(SparseUpdate.IndexEncoding.BITMAP, u.indexEncoding());
        assertEquals(12 + 4 + 15 + 120, u.wireBytes());
        byte[] bytes = UpdateCodec.encode(u);
        assertEquals(u.wireBytes(), bytes.length);
        assertArrayEquals(u.toDense(), UpdateCodec.decode(bytes, 120).toDense());
    }

    @Test
    void everyKindAndFormatRoundTrips() {
        List<CompressedUpdate> all = List.of(
                new DenseUpdate(new float[] {1, -2, 3.5f}, ValueFormat.FP16),
                new DenseUpdate(new float[] {1e-3f, 70000f}, ValueFormat.BF16),
                new SparseUpdate(5, new int[] {}, new float[] {}, ValueFormat.FP32),
                new SparseUpdate(1 << 20, new int[] {3, 1 << 19, (1 << 20) - 1}, new float[] {1, 2, 3},
                        ValueFormat.FP16),
                new QuantizedUpdate(QuantizedUpdate.Scheme.SYMMETRIC, 7, new int[] {5, 4}, 3,
                        new float[] {1, 2, 3, 4}, new byte[] {-7, 0, 7, 3, -3, 1, 2, 0, -1}),
                new QuantizedUpdate(QuantizedUpdate.Scheme.SIGN, 1, new int[] {11}, 11, new float[] {0.5f},
                        new byte[] {1, -1, 1, 1, -1, -1, 1, 1, 1, -1, 1}),
                new LowRankUpdate(List.of(new LowRankUpdate.Factored(2, 3, 1, new float[] {1, 2},
                        new float[] {3, 4, 5}), new LowRankUpdate.Raw(new float[] {9, 8})), ValueFormat.FP32));
        for (CompressedUpdate u : all) {
            byte[] bytes = UpdateCodec.encode(u);
            assertEquals(u.wireBytes(), bytes.length, u.getClass().getSimpleName());
            CompressedUpdate back = UpdateCodec.decode(bytes, u.dim());
            assertEquals(u.getClass(), back.getClass());
            assertArrayEquals(u.toDense(), back.toDense());
            byte[] into = new byte[bytes.length + 3];
            assertEquals(bytes.length, UpdateCodec.encode(u, into, 3));
        }
        assertArrayEquals(new float[] {3, 4, 5, 6, 8, 10, 9, 8}, all.get(6).toDense());
        assertEquals(65504f, new DenseUpdate(new float[] {1e9f}, ValueFormat.FP16).get(0), "fp16 saturates");
    }

    @Test
    void constructorsRejectBadPieces() {
        assertThrows(IllegalArgumentException.class,
                () -> new SparseUpdate(5, new int[] {3, 3}, new float[] {1, 2}, ValueFormat.FP32));
        assertThrows(IllegalArgumentException.class,
                () -> new SparseUpdate(5, new int[] {5}, new float[] {1}, ValueFormat.FP32));
        assertThrows(IllegalArgumentException.class,
                () -> new SparseUpdate(5, new int[] {1}, new float[] {Float.NaN}, ValueFormat.FP32));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedUpdate(QuantizedUpdate.Scheme.SYMMETRIC, 1,
                new int[] {2}, 2, new float[] {1}, new byte[] {2, 0}));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedUpdate(QuantizedUpdate.Scheme.SIGN, 1,
                new int[] {2}, 2, new float[] {1}, new byte[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedUpdate(QuantizedUpdate.Scheme.SYMMETRIC, 1,
                new int[] {3}, 2, new float[] {1}, new byte[] {0, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new DenseUpdate(new float[] {Float.NEGATIVE_INFINITY}));
    }

    @Test
    void lengthFieldsNeverMakeTheReaderAllocateBeyondTheInput() {
        // A dense header claiming 2^31-1 elements, a sparse one claiming 10^9 entries, quantized and low-rank ones
        // claiming 10^9 segments or blocks: all rejected from the lengths alone.
        byte[] dense = HexFormat.of().parseHex("444d4c5501010000ffffff7f");
        byte[] sparse = HexFormat.of().parseHex("444d4c5501020000ffffff7f00ca9a3b");
        byte[] quant = HexFormat.of().parseHex("444d4c5501030000ffffff7f0100" + "01000000" + "00ca9a3b");
        byte[] lowRank = HexFormat.of().parseHex("444d4c5501040000ffffff7f00ca9a3b");
        for (byte[] b : List.of(dense, sparse, quant, lowRank)) {
            assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(b, Integer.MAX_VALUE));
        }
    }

    @Test
    void unknownVersionsKindsAndFormatsAreRejected() {
        byte[] ok = UpdateCodec.encode(goldenSparse());
        for (int[] patch : new int[][] {{4, 3}, {4, 0}, {5, 9}, {6, 7}, {7, 5}, {0, 0}}) {
            byte[] b = ok.clone();
            b[patch[0]] = (byte) patch[1];
            assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(b, 300));
        }
    }

    @Property(tries = 300)
    void randomBytesOnlyEverFailAsMalformed(@ForAll @Size(max = 200) byte[] tail,
            @ForAll @IntRange(min = 1, max = 4) int kind, @ForAll @IntRange(min = 0, max = 400) int dim,
            @ForAll @IntRange(min = 0, max = 3) int flag) {
        byte[] bytes = new byte[12 + tail.length];
        System.arraycopy(HexFormat.of().parseHex("444d4c5502"), 0, bytes, 0, 5);
        bytes[5] = (byte) kind;
        bytes[6] = (byte) (flag & 1);
        bytes[7] = (byte) (flag >> 1);
        bytes[8] = (byte) dim;
        bytes[9] = (byte) (dim >> 8);
        System.arraycopy(tail, 0, bytes, 12, tail.length);
        try {
            CompressedUpdate u = UpdateCodec.decode(bytes, 400);
            assertEquals(bytes.length, u.wireBytes());
            u.toDense();
        } catch (MalformedUpdateException expected) {
            // the documented failure
        } catch (RuntimeException e) {
            fail("decoder threw " + e, e);
        }
    }

    @Property(tries = 200)
    void sparseRoundTripsWithBothIndexEncodings(@ForAll @IntRange(min = 1, max = 3000) int dim,
            @ForAll @IntRange(min = 0, max = 1 << 20) int seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double density = r.nextDouble();
        int[] idx = new int[dim];
        float[] val = new float[dim];
        int n = 0;
        for (int i = 0; i < dim; i++) {
            if (r.nextDouble() < density) {
                idx[n] = i;
                val[n++] = (float) r.nextGaussian();
            }
        }
        SparseUpdate u = new SparseUpdate(dim, java.util.Arrays.copyOf(idx, n), java.util.Arrays.copyOf(val, n),
                ValueFormat.values()[seed % 3]);
        byte[] bytes = UpdateCodec.encode(u);
        assertEquals(u.wireBytes(), bytes.length);
        assertEquals(Math.min(SparseUpdate.varintBytes(idx, n), (dim + 7) / 8),
                u.wireBytes() - 16 - (long) n * u.valueFormat().bytes());
        SparseUpdate back = (SparseUpdate) UpdateCodec.decode(bytes, dim);
        assertArrayEquals(u.indices(), back.indices());
        assertArrayEquals(u.values(), back.values());
    }
}
