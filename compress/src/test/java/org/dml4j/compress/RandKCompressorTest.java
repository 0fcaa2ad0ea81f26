package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void badInputFails() {
        assertThrows(IllegalArgumentException.class, () -> RandKConfig.ofRatio(-0.1, true));
        assertThrows(IllegalArgumentException.class, () -> new RandKCompressor(
                new RandKConfig(null, 50, false, false, null, false, null)).newState(49, new SplittableRandom(1)));
    }
}
