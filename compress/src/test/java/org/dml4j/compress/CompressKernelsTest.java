package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Differential tests: the Vector API kernels must agree bit for bit with the scalar reference. */
class CompressKernelsTest {
    private static final CompressKernels S = CompressKernels.scalar();
    private static final CompressKernels V = CompressKernels.get();

    static float[] data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(7) == 0 ? 0f : (float) r.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 13, 207, 1024, 4099})
    void vectorProviderIsActiveAndGathersAgree(int n) {
        assertEquals("vector", V.name(), "tests run with --add-modules jdk.incubator.vector");
        float[] x = data(n, n);
        for (float t : new float[] {0f, 0.5f, 1.5f, 10f}) {
            for (int limit : new int[] {n, n / 2, 3}) {
                int[] i1 = new int[n + 8];
                int[] i2 = new int[n + 8];
                float[] v1 = new float[n + 8];
                float[] v2 = new float[n + 8];
                int pos = 2;
                int lim = Math.min(n + 8, pos + limit);
                int c1 = S.gatherAtLeast(x, 3, n, t, 100, i1, v1, pos, lim);
                int c2 = V.gatherAtLeast(x, 3, n, t, 100, i2, v2, pos, lim);
                assertEquals(c1, c2);
                int stored = Math.min(c1, lim - pos);
                for (int j = pos; j < pos + stored; j++) {
                    assertEquals(i1[j], i2[j]);
                    assertEquals(v1[j], v2[j]);
                }
                int[] o1 = new int[n + 8];
                int[] o2 = new int[n + 8];
                float[] w1 = new float[n + 8];
                float[] w2 = new float[n + 8];
                int f1 = S.filterAtLeast(i1, v1, Math.min(stored + pos, n), t * 1.5f, o1, w1, 1);
                int f2 = V.filterAtLeast(i1, v1, Math.min(stored + pos, n), t * 1.5f, o2, w2, 1);
                assertEquals(f1, f2);
                for (int j = 1; j < 1 + Math.min(f1, n + 7); j++) {
                    assertEquals(o1[j], o2[j]);
                    assertEquals(w1[j], w2[j]);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 13, 207, 1024, 4099})
    void nonFiniteValuesAreDetectedEverywhere(int n) {
        float[] x = data(n, 3);
        assertTrue(S.allFinite(x, 2, n));
        assertTrue(V.allFinite(x, 2, n));
        for (int at : new int[] {0, n / 2, n - 1}) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] y = x.clone();
                y[2 + at] = bad;
                assertEquals(false, S.allFinite(y, 2, n));
                assertEquals(false, V.allFinite(y, 2, n));
                int[] idx = new int[n];
                float[] val = new float[n];
                assertEquals(-1, S.gatherAtLeast(y, 2, n, 1f, 0, idx, val, 0, n));
                assertEquals(-1, V.gatherAtLeast(y, 2, n, 1f, 0, idx, val, 0, n));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 13, 207, 1024, 4099})
    void quantizeSignsPackAndAccumulateAgree(int n) {
        float[] x = data(n, 11);
        for (int levels : new int[] {1, 3, 7, 15, 127}) {
            byte[] c1 = new byte[n + 4];
            byte[] c2 = new byte[n + 4];
            S.quantize(x, 1, n, levels / 4f, levels, 12345, 77, c1, 2);
            V.quantize(x, 1, n, levels / 4f, levels, 12345, 77, c2, 2);
            assertArrayEquals(c1, c2, "levels " + levels);
            int bits = QuantizedUpdate.bitsPerCode(QuantizedUpdate.Scheme.SYMMETRIC, levels);
            byte[] p1 = new byte[n + 9];
            byte[] p2 = new byte[n + 9];
            int nb = S.pack(c1, 2, n, bits, p1, 1);
            assertEquals(nb, V.pack(c2, 2, n, bits, p2, 1));
            assertEquals((n * bits + 7) / 8, nb);
            assertArrayEquals(p1, p2, "packed, levels " + levels);
            for (int i = 0; i < n; i++) {
                assertEquals(c1[2 + i] & 0xFF, QuantizedUpdate.codeAt(p1, 8L + (long) i * bits, bits), "code " + i);
            }
            byte[] q = new byte[nb];
            S.pack(c1, 2, n, bits, q, 0);
            int first = Math.min(3, n - 1);
            float[] y1 = data(n, 5);
            float[] y2 = y1.clone();
            S.accumulatePacked(q, bits, first, n - first, 1, levels, 0.37f, y1, 1);
            V.accumulatePacked(q, bits, first, n - first, 1, levels, 0.37f, y2, 1);
            assertArrayEquals(y1, y2);
            for (int i = 0; i < n - first; i++) {
                float want = data(n, 5)[1 + i] + 0.37f * ((c1[2 + first + i] & 0xFF) - levels);
                assertEquals(want, y1[1 + i], 1e-5f * Math.abs(want) + 1e-6f);
            }
        }
        // quantizing one bucket while summing the squares of the next gives the codes and the sum of the two calls
        int half = n / 2;
        for (CompressKernels k : new CompressKernels[] {S, V}) {
            byte[] fused = new byte[half];
            byte[] plain = new byte[half];
            double next = k.quantizeAndNorm(x, 0, half, 1.5f, 7, 99, fused, 0, half, half);
            k.quantize(x, 0, half, 1.5f, 7, 99, 0, plain, 0);
            assertArrayEquals(plain, fused, k.name());
            assertEquals(k.sumSquares(x, half, half), next, 0.0, k.name());
            byte[] ternary = new byte[half];
            float max = k.quantizeAndMaxAbs(x, 0, half, 1.5f, 7, 99, ternary, 0, half, half);
            assertArrayEquals(plain, ternary, k.name());
            assertEquals(k.maxAbs(x, half, half), max, 0f, k.name());
        }
        double ss = S.sumSquares(x, 1, n - 1);
        assertEquals(ss, V.sumSquares(x, 1, n - 1), 1e-6 * ss);
        byte[] s1 = new byte[n];
        byte[] s2 = new byte[n];
        x[0] = -0f;
        double l1 = S.signs(x, 0, n, s1, 0);
        assertEquals(l1, V.signs(x, 0, n, s2, 0), 1e-5 * l1);
        assertArrayEquals(s1, s2);
        assertEquals(1, s1[0], "-0.0 counts as positive");
        byte[] p1 = new byte[(n + 7) / 8];
        byte[] p2 = new byte[(n + 7) / 8];
        S.pack(s1, 0, n, 1, p1, 0);
        V.pack(s2, 0, n, 1, p2, 0);
        assertArrayEquals(p1, p2, "packed signs");
    }
}
