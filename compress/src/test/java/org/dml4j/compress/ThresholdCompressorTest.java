package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ThresholdCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "threshold";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("threshold", 1.5);
    }

    @Test
    void keepsExactlyTheEntriesAtOrAboveTheThreshold() {
        float[] x = {0.5f, -1f, 1f, 3f, -0.99f};
        CompressorState s = new ThresholdCompressor(ThresholdConfig.of(1.0)).newState(5, new SplittableRandom(1));
        assertArrayEquals(new int[] {1, 2, 3}, ((SparseUpdate) s.compress(x)).indices());
        s.setThreshold(2);
        assertArrayEquals(new int[] {3}, ((SparseUpdate) s.compress(x)).indices());
        s.setThreshold(10);
        assertArrayEquals(new int[] {}, ((SparseUpdate) s.compress(x)).indices());
        assertThrows(IllegalArgumentException.class, () -> s.setThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> s.setThreshold(Double.NaN));
        assertThrows(UnsupportedOperationException.class, () -> s.setRatio(0.5));
    }

    @Test
    void growsItsBuffersForLargeCounts() {
        float[] x = Unbiased.vector(100_000, 3);
        CompressorState s = new ThresholdCompressor(ThresholdConfig.of(1e-3)).newState(x.length,
                new SplittableRandom(1));
        SparseUpdate u = (SparseUpdate) s.compress(x);
        int want = 0;
        for (float v : x) {
            want += Math.abs(v) >= 1e-3f ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertEquals(want, u.nnz());
    }

    @Test
    void badThresholdFails() {
        assertThrows(IllegalArgumentException.class, () -> ThresholdConfig.of(0));
        assertThrows(IllegalArgumentException.class, () -> ThresholdConfig.of(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("threshold", Map.of("lambda", 1)));
    }
}
