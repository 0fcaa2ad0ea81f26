package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The segmented form of {@link UpdateCodec}: the same bytes as the one-array form whatever the segment size, and
 * every value read back when it straddles two segments. Small segment sizes stand in for the 2 GiB array bound, so
 * every boundary case runs on updates of a few KiB.
 */
class SegmentedCodecTest {
    private static final int[] SEGMENT_SIZES = {1, 7, 13, 4099};

    /** One update of every kind and encoding, with odd dimensions so that values cross segment boundaries. */
    static List<CompressedUpdate> everyKind() {
        SplittableRandom r = new SplittableRandom(11);
        List<CompressedUpdate> all = new ArrayList<>();
        for (ValueFormat f : ValueFormat.values()) {
            all.add(new DenseUpdate(gaussian(r, 1), f));
            all.add(new DenseUpdate(gaussian(r, 13), f));
            all.add(new DenseUpdate(gaussian(r, 4099), f));
        }
        // sparse: varint gaps (few entries), bitmap (dense), seeded (RandK)
        all.add(new SparseUpdate(5000, new int[] {0, 7, 13, 4098, 4999}, new float[] {1, -2, 3, -4, 5},
                ValueFormat.FP32));
        int[] every2nd = new int[2049];
        float[] vals = new float[2049];
        for (int i = 0; i < every2nd.length; i++) {
            every2nd[i] = 2 * i;
            vals[i] = (float) r.nextGaussian();
        }
        SparseUpdate bitmap = new SparseUpdate(4099, every2nd, vals, ValueFormat.FP16);
        assertEquals(SparseUpdate.IndexEncoding.BITMAP, bitmap.indexEncoding());
        all.add(bitmap);
        SparseUpdate seeded = (SparseUpdate) new RandKCompressor(new RandKConfig(0.05, null, false, false,
                new int[] {3000, 1099}, false, null)).newState(4099, new SplittableRandom(3))
                .compress(gaussian(r, 4099));
        assertEquals(SparseUpdate.IndexEncoding.SEEDED, seeded.indexEncoding());
        all.add(seeded);
        // quantized: fixed-width symmetric, signs, and Elias-gamma (mostly zero codes)
        all.add(quantized(r, 4099, 7, false));
        all.add(quantized(r, 13, 1, false));
        QuantizedUpdate elias = quantized(r, 4099, 100, true);
        assertEquals(QuantizedUpdate.Coding.ELIAS_GAMMA, elias.coding());
        all.add(elias);
        byte[] signs = new byte[1001];
        for (int i = 0; i < signs.length; i++) {
            signs[i] = (byte) (r.nextBoolean() ? 1 : -1);
        }
        all.add(new QuantizedUpdate(QuantizedUpdate.Scheme.SIGN, 1, new int[] {1001}, 7,
                uniform(r, (1001 + 6) / 7), signs));
        // low rank: factored and raw blocks
        all.add(new LowRankUpdate(List.of(new LowRankUpdate.Factored(13, 7, 2, gaussian(r, 26), gaussian(r, 14)),
                new LowRankUpdate.Raw(gaussian(r, 1)), new LowRankUpdate.Raw(gaussian(r, 4099))), ValueFormat.BF16));
        return all;
    }

    private static QuantizedUpdate quantized(SplittableRandom r, int dim, int levels, boolean sparse) {
        byte[] codes = new byte[dim];
        for (int i = 0; i < dim; i++) {
            codes[i] = (byte) (sparse && r.nextInt(50) != 0 ? 0 : r.nextInt(2 * levels + 1) - levels);
            if (levels == 1 && codes[i] == 0) {
                codes[i] = 1;
            }
        }
        int bucket = 7;
        int[] segs = dim > 100 ? new int[] {100, dim - 100} : new int[] {dim};
        long buckets = QuantizedUpdate.bucketCount(segs, bucket);
        return new QuantizedUpdate(QuantizedUpdate.Scheme.SYMMETRIC, levels, segs, bucket, uniform(r, (int) buckets),
                codes);
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static float[] uniform(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble();
        }
        return v;
    }

    /** The bytes cut at random places into segments of 1 to {@code max} bytes. */
    private static SegmentedBytes randomSplit(byte[] bytes, int max, SplittableRandom r) {
        List<ByteBuffer> parts = new ArrayList<>();
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + r.nextInt(max));
            parts.add(ByteBuffer.wrap(bytes, at, n));
            at += n;
        }
        return SegmentedBytes.of(parts);
    }

    @Test
    void segmentedEncodingIsTheSameBytesForEverySegmentSize() {
        for (CompressedUpdate u : everyKind()) {
            // Prepare
            byte[] whole = UpdateCodec.encode(u);
            for (int seg : SEGMENT_SIZES) {
                String what = u.getClass().getSimpleName() + " dim " + u.dim() + ", segments of " + seg;
                // Execute
                SegmentedBytes s = UpdateCodec.encodeSegmented(u, seg);
                // Assert
                assertEquals(u.wireBytes(), s.length(), what);
                assertEquals((whole.length + seg - 1) / seg, s.segmentCount(), what);
                for (int i = 0; i < s.segmentCount() - 1; i++) {
                    assertEquals(seg, s.segment(i).remaining(), what);
                }
                assertArrayEquals(whole, s.toByteArray(), what);
            }
        }
    }

    @Test
    void segmentedDecodingReadsEveryKindAcrossBoundaries() {
        SplittableRandom r = new SplittableRandom(5);
        for (CompressedUpdate u : everyKind()) {
            // Prepare
            float[] want = u.toDense();
            byte[] whole = UpdateCodec.encode(u);
            List<SegmentedBytes> forms = new ArrayList<>();
            for (int seg : SEGMENT_SIZES) {
                forms.add(UpdateCodec.encodeSegmented(u, seg));
            }
            forms.add(randomSplit(whole, 9, r));
            forms.add(randomSplit(whole, 300, r));
            for (SegmentedBytes s : forms) {
                String what = u.getClass().getSimpleName() + " dim " + u.dim() + " in " + s.segmentCount()
                        + " segments";
                // Execute
                CompressedUpdate back = UpdateCodec.decode(s, u.dim());
                // Assert
                assertEquals(u.getClass(), back.getClass(), what);
                assertArrayEquals(want, back.toDense(), what);
                assertArrayEquals(whole, UpdateCodec.encode(back), what);
            }
        }
    }

    @Test
    void truncatedOrExtendedSegmentedInputFailsAsMalformed() {
        SplittableRandom r = new SplittableRandom(9);
        for (CompressedUpdate u : everyKind()) {
            byte[] whole = UpdateCodec.encode(u);
            // every prefix of a short encoding, a sample of the prefixes of a long one
            int step = Math.max(1, whole.length / 40);
            for (int len = 0; len < whole.length; len += step) {
                byte[] cut = java.util.Arrays.copyOf(whole, len);
                assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(randomSplit(cut, 7, r),
                        u.dim()), u.getClass().getSimpleName() + " cut at " + len);
            }
            byte[] longer = java.util.Arrays.copyOf(whole, whole.length + 1);
            assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(randomSplit(longer, 7, r),
                    u.dim()));
        }
    }

    @Test
    void segmentedReaderKeepsTheVersionRules() {
        // Prepare: version 1 wrote dense updates as version 2 does, with 01 at byte 4
        DenseUpdate u = new DenseUpdate(new float[] {1, -2, 3.5f, 7, 13});
        byte[] v1 = UpdateCodec.encode(u);
        v1[4] = 1;
        byte[] v3 = v1.clone();
        v3[4] = (byte) (UpdateCodec.CURRENT_VERSION + 1);
        // Execute / Assert: the old version is still read, the unknown one refused, whatever the segments
        assertArrayEquals(u.toDense(), UpdateCodec.decode(randomSplit(v1, 3, new SplittableRandom(1)), 5).toDense());
        MalformedUpdateException e = assertThrows(MalformedUpdateException.class,
                () -> UpdateCodec.decode(randomSplit(v3, 3, new SplittableRandom(1)), 5));
        assertTrue(e.getMessage().contains("version " + (UpdateCodec.CURRENT_VERSION + 1)), e.getMessage());
    }

    @Test
    void nonFiniteValueStraddlingSegmentsIsRejected() {
        // Prepare: value 2 (bytes 20..23) is +inf; segments of 7 cut it at byte 21
        byte[] b = UpdateCodec.encode(new DenseUpdate(new float[] {1, 2, 3, 4}));
        int inf = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
        for (int k = 0; k < 4; k++) {
            b[20 + k] = (byte) (inf >>> (8 * k));
        }
        List<ByteBuffer> parts = new ArrayList<>();
        for (int at = 0; at < b.length; at += 7) {
            parts.add(ByteBuffer.wrap(b, at, Math.min(7, b.length - at)));
        }
        // Execute / Assert
        MalformedUpdateException e = assertThrows(MalformedUpdateException.class,
                () -> UpdateCodec.decode(SegmentedBytes.of(parts), 4));
        assertTrue(e.getMessage().contains("value 2"), e.getMessage());
    }

    @Test
    void denseSegmentedEncodingOfAVectorMatchesTheDenseUpdates() {
        float[] v = gaussian(new SplittableRandom(2), 4099);
        assertArrayEquals(UpdateCodec.encode(new DenseUpdate(v)), UpdateCodec.encodeDenseSegmented(v, 13)
                .toByteArray());
        v[7] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.encodeDenseSegmented(v, 13));
    }

    @Test
    void badArgumentsAreRefused() {
        DenseUpdate u = new DenseUpdate(new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.encodeSegmented(u, 0));
        assertEquals(0, SegmentedBytes.of(List.of(ByteBuffer.allocate(0))).length());
        assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(SegmentedBytes.of(List.of()), 1));
    }
}
