package org.dml4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Differential tests: the provider chosen at run time against the scalar reference, on odd sizes and offsets. */
class FloatKernelsTest {
    private final FloatKernels ref = FloatKernels.scalar();
    private final FloatKernels fast = FloatKernels.get();

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * 3);
        }
        return a;
    }

    @Test
    void vectorProviderIsActiveWhenTheModuleIsPresent() {
        // The build runs tests with --add-modules jdk.incubator.vector, so the SIMD kernels must be chosen.
        assertEquals("vector", fast.name());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 13, 207, 1024, 4099, 10_007})
    void reductionsAgreeWithReference(int n) {
        // Prepare
        float[] x = random(n + 3, n);
        float[] y = random(n + 5, n + 1L);
        // Execute / Assert
        double tol = 1e-5 * (n + 1) * 10;
        assertEquals(ref.dot(x, 3, y, 5, n), fast.dot(x, 3, y, 5, n), tol);
        assertEquals(ref.sumAbs(x, 2, n), fast.sumAbs(x, 2, n), tol);
        assertEquals(ref.sumSquares(y, 1, n), fast.sumSquares(y, 1, n), tol * 10);
        assertEquals(ref.maxAbs(x, 1, n), fast.maxAbs(x, 1, n));
        assertEquals(ref.countAbsAtLeast(x, 0, n, 2.5f), fast.countAbsAtLeast(x, 0, n, 2.5f));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 13, 207, 1024, 4099})
    void elementwiseKernelsAgreeWithReference(int n) {
        // Prepare
        float[] x = random(n + 1, 7 * n);
        float[] y1 = random(n + 2, 11 * n);
        float[] y2 = y1.clone();
        float[] z1 = x.clone();
        float[] z2 = x.clone();
        // Execute
        ref.axpy(0.37f, x, 1, y1, 2, n);
        fast.axpy(0.37f, x, 1, y2, 2, n);
        ref.scale(-1.5f, z1, 1, n);
        fast.scale(-1.5f, z2, 1, n);
        // Assert
        assertArrayEquals(y1, y2, 1e-5f);
        assertArrayEquals(z1, z2, 0f);
    }

    @Test
    void handComputedValues() {
        float[] x = {1, -2, 3};
        float[] y = {4, 5, -6};
        for (FloatKernels k : new FloatKernels[] {ref, fast}) {
            assertEquals(4 - 10 - 18, k.dot(x, 0, y, 0, 3), 0);
            assertEquals(6, k.sumAbs(x, 0, 3), 0);
            assertEquals(14, k.sumSquares(x, 0, 3), 0);
            assertEquals(3f, k.maxAbs(x, 0, 3));
            assertEquals(2, k.countAbsAtLeast(x, 0, 3, 2f));
        }
    }

    @Test
    void boundsAreChecked() {
        float[] x = new float[4];
        assertThrows(IndexOutOfBoundsException.class, () -> fast.sumAbs(x, 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> ref.dot(x, 0, x, 1, 4));
    }
}
