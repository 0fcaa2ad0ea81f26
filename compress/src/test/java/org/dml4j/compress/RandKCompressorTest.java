package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandKCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "randk";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("ratio", 0.1, "unbiased", true, "per-layer", true);
    }

    @Test
    void scaledRandKIsUnbiased() {
        float[] x = Unbiased.vector(30, 4);
        double max = 0;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        // each coordinate is x*n/k with probability k/n: sd = |x| sqrt(n/k - 1) = |x| * 2 for ratio 0.2
        Unbiased.check(new RandKCompressor(RandKConfig.ofRatio(0.2, true)), x, 6000, 2 * max);
    }

    @Test
    void keepsExactlyKDistinctCoordinatesPerLayer() {
        CompressorState s = new RandKCompressor(new RandKConfig(0.25, null, false, false, new int[] {10, 90, 3},
                false, null)).newState(103, new SplittableRandom(5));
        float[] x = Unbiased.vector(103, 9);
        for (int round = 0; round < 20; round++) {
            SparseUpdate u = (SparseUpdate) s.compress(x);
            assertEquals(3 + 23 + 1, u.nnz());
            int[] idx = u.indices();
            int inFirst = 0;
            int inLast = 0;
            for (int i = 0; i < idx.length; i++) {
                assertTrue(i == 0 || idx[i] > idx[i - 1]);
                assertEquals(x[idx[i]], u.value(i));
                inFirst += idx[i] < 10 ? 1 : 0;
                inLast += idx[i] >= 100 ? 1 : 0;
            }
            assertEquals(3, inFirst);
            assertEquals(1, inLast);
        }
    }

    @Test
    void theWireCarriesTheSeedNotTheIndices() {
        int dim = 10_000;
        CompressorState s = new RandKCompressor(new RandKConfig(0.01, null, false, false, new int[] {6_000, 4_000},
                false, null)).newState(dim, new SplittableRandom(3));
        SparseUpdate u = (SparseUpdate) s.compress(Unbiased.vector(dim, 1));
        assertEquals(SparseUpdate.IndexEncoding.SEEDED, u.indexEncoding());
        // header, entry count, seed, segment count, (length, count) per segment, then the 100 fp32 values
        assertEquals(12 + 4 + 8 + 4 + 2 * 8 + 4 * 100, u.wireBytes());
        byte[] bytes = UpdateCodec.encode(u);
        assertEquals(u.wireBytes(), bytes.length);
        SparseUpdate back = (SparseUpdate) UpdateCodec.decode(bytes, dim);
        assertArrayEquals(u.indices(), back.indices());
        assertArrayEquals(u.values(), back.values());
        // a flipped seed bit draws other indices; a count that does not match the entries is malformed
        bytes[16] ^= 1;
        assertFalse(java.util.Arrays.equals(u.indices(), ((SparseUpdate) UpdateCodec.decode(bytes, dim)).indices()));
        bytes[16] ^= 1;
        bytes[32] += 1;
        assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(bytes, dim));
    }

    @Test
    void badInputFails() {
        assertThrows(IllegalArgumentException.class, () -> RandKConfig.ofRatio(-0.1, true));
        assertThrows(IllegalArgumentException.class, () -> new RandKCompressor(
                new RandKConfig(null, 50, false, false, null, false, null)).newState(49, new SplittableRandom(1)));
    }
}
