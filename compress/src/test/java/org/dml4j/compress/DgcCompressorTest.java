package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DgcCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "dgc";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("ratio", 0.01, "warmup-rounds", 2, "clip-norm", 5.0, "per-layer", true);
    }

    @Test
    void warmUpDensitiesFollowThePaper() {
        assertEquals(0.25, DgcCompressor.density(0, 0.001, 4));
        assertEquals(0.0625, DgcCompressor.density(1, 0.001, 4));
        assertEquals(0.015625, DgcCompressor.density(2, 0.001, 4));
        assertEquals(0.00390625, DgcCompressor.density(3, 0.001, 4));
        assertEquals(0.001, DgcCompressor.density(4, 0.001, 4));
    }

    @Test
    void sendsAboutKAndNeverMoreOnLargeLayers() {
        CompressorState s = new DgcCompressor(new DgcConfig(0.01, 0.9, null, 3, 0.01, false, null, null))
                .newState(50_000, new SplittableRandom(1));
        for (int round = 0; round < 6; round++) {
            s.beginRound(round);
            long k = (long) Math.ceil(DgcCompressor.density(round, 0.01, 3) * 50_000);
            long sent = s.compress(Unbiased.vector(50_000, round)).elements();
            assertTrue(sent <= k && sent >= k / 2, "round " + round + " sent " + sent + " of " + k);
        }
    }

    @Test
    void momentumCorrectionAccumulatesAndMasksSentCoordinates() {
        // One coordinate of 4097 gets a steady gradient: with momentum 0.5 the accumulated value grows 1, 2.5, ...
        int n = 5000;
        CompressorState s = new DgcCompressor(new DgcConfig(1.0 / n, 0.5, null, 0, 1.0, false, null, null))
                .newState(n, new SplittableRandom(1));
        float[] g = new float[n];
        g[7] = 1f;
        g[8] = 0.9f;
        SparseUpdate first = (SparseUpdate) s.compress(g);
        assertEquals(1, first.nnz());
        assertEquals(7, first.index(0));
        assertEquals(1f, first.value(0));
        // coordinate 8 accumulated u = 0.9 then u = 0.45 + 0.9, v = 0.9 + 1.35 = 2.25; coordinate 7 was masked:
        // u = 0 then u = 1, v = 1.
        SparseUpdate second = (SparseUpdate) s.compress(g);
        assertEquals(8, second.index(0));
        assertEquals(2.25f, second.value(0), 1e-6f);
    }

    @Test
    void clippingScalesLargeUpdates() {
        CompressorState s = new DgcCompressor(new DgcConfig(1.0, 0.0, 1.0, 0, 1.0, false, null, null))
                .newState(2, new SplittableRandom(1));
        float[] d = s.compress(new float[] {3f, 4f}).toDense();
        assertEquals(0.6f, d[0], 1e-6f);
        assertEquals(0.8f, d[1], 1e-6f);
    }

    @Test
    void badConfigFails() {
        assertThrows(IllegalArgumentException.class, () -> new DgcConfig(0.01, 1.0, null, 0, 0.01, false, null,
                null));
        assertThrows(IllegalArgumentException.class, () -> new DgcConfig(0.01, 0.9, -1.0, 0, 0.01, false, null,
                null));
        assertThrows(IllegalArgumentException.class, () -> new DgcConfig(0.01, 0.9, null, -1, 0.01, false, null,
                null));
        assertThrows(IllegalArgumentException.class, () -> new DgcConfig(0.01, 0.9, null, 0, 0.0, false, null,
                null));
        assertThrows(IllegalArgumentException.class, () -> new DgcConfig(2, 0.9, null, 0, 0.01, false, null,
                null));
    }
}
