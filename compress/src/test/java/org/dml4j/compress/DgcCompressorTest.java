package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void sendsExactlyKDuringAndAfterWarmUp() {
        CompressorState s = new DgcCompressor(new DgcConfig(0.01, 0.9, null, 3, 0.01, false, null, null))
                .newState(50_000, new SplittableRandom(1));
        for (int round = 0; round < 6; round++) {
            s.beginRound(round);
            long k = (long) Math.ceil(DgcCompressor.density(round, 0.01, 3) * 50_000);
            assertEquals(k, s.compress(Unbiased.vector(50_000, round)).elements(), "round " + round);
        }
    }

    /** Heavy-tailed layers: lognormal-scaled Gaussians and a Gaussian ratio (Cauchy), as gradients often are. */
    private static float[] heavyTailed(int[] layers, long seed) {
        int dim = Arrays.stream(layers).sum();
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[dim];
        for (int i = 0; i < dim; i++) {
            x[i] = (float) (i % 2 == 0 ? r.nextGaussian() * Math.exp(0.5 * r.nextGaussian())
                    : r.nextGaussian() / (Math.abs(r.nextGaussian()) + 1e-3));
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.001, 0.01})
    void realisedKEqualsTopKOnEveryLayerOfHeavyTailedUpdates(double density) {
        int[] layers = {400_000, 120_000, 30_000, 6_000, 900};
        UpdateLayout layout = UpdateLayout.ofSizes(layers);
        CompressorState dgc = new DgcCompressor(new DgcConfig(density, 0.9, null, 0, null, true, null, null))
                .newState(layout, new SplittableRandom(1));
        CompressorState topk = new TopKCompressor(new TopKConfig(density, null, true, null, false, null))
                .newState(layout, new SplittableRandom(1));
        for (int round = 0; round < 8; round++) {
            float[] g = heavyTailed(layers, round);
            SparseUpdate d = (SparseUpdate) dgc.compress(g);
            SparseUpdate t = (SparseUpdate) topk.compress(g);
            int[] dCount = perLayer(d, layers);
            int[] tCount = perLayer(t, layers);
            for (int l = 0; l < layers.length; l++) {
                assertEquals(Math.ceil(density * layers[l]), tCount[l]);
                assertTrue(Math.abs(dCount[l] - tCount[l]) <= 0.01 * tCount[l], "round " + round + " layer " + l
                        + ": DGC sent " + dCount[l] + ", Top-k " + tCount[l]);
            }
            if (round == 0) {
                // v = g in the first round: DGC's selection is Top-k's
                assertArrayEquals(t.indices(), d.indices());
            }
        }
    }

    private static int[] perLayer(SparseUpdate u, int[] layers) {
        int[] count = new int[layers.length];
        int l = 0;
        int end = layers[0];
        for (int i : u.indices()) {
            while (i >= end) {
                end += layers[++l];
            }
            count[l]++;
        }
        return count;
    }

    @Test
    void followsThePapersAlgorithmOverRounds() {
        // Reference of Lin et al.'s Algorithm (momentum correction, exact Top-k of v, factor masking) on dense arrays.
        int n = 20_000;
        double ratio = 0.005;
        float m = 0.7f;
        CompressorState s = new DgcCompressor(new DgcConfig(ratio, (double) m, null, 0, null, false, null, null))
                .newState(n, new SplittableRandom(1));
        float[] u = new float[n];
        float[] v = new float[n];
        int k = (int) Math.ceil(ratio * n);
        for (int round = 0; round < 5; round++) {
            float[] g = heavyTailed(new int[] {n}, 100 + round);
            for (int i = 0; i < n; i++) {
                u[i] = m * u[i] + g[i];
                v[i] += u[i];
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            float[] vv = v.clone();
            Arrays.sort(order, (a, b) -> Float.compare(Math.abs(vv[b]), Math.abs(vv[a])));
            float[] want = new float[n];
            for (int j = 0; j < k; j++) {
                int i = order[j];
                want[i] = v[i];
                u[i] = 0f;
                v[i] = 0f;
            }
            assertArrayEquals(want, s.compress(g).toDense(), 1e-4f, "round " + round);
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
