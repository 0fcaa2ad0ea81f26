package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PowerSgdCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "powersgd";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("rank", 2, "shapes", List.of(List.of(20, 30), List.of(30), List.of(7, 5, 3, 3), List.of(92)));
    }

    @Test
    void recoversARankOneMatrixExactly() {
        // Prepare: M = a b^T, 40 x 60
        float[] m = new float[40 * 60];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 60; j++) {
                m[i * 60 + j] = (float) ((i - 20) * 0.1 * Math.cos(j));
            }
        }
        CompressorState s = new PowerSgdCompressor(new PowerSgdConfig(1, true, null, false, null))
                .newState(new UpdateLayout(new int[][] {{40, 60}}), new SplittableRandom(3));
        // Execute
        CompressedUpdate u = s.compress(m);
        float[] d = u.toDense();
        // Assert
        assertEquals(100, u.elements());
        for (int i = 0; i < m.length; i++) {
            assertEquals(m[i], d[i], 1e-4f, "element " + i);
        }
    }

    @Test
    void warmStartConvergesToTheBestRankTwoApproximation() {
        // A fixed matrix compressed repeatedly: subspace iteration converges, so the error stops shrinking at the
        // rank-2 tail, and it is far below the matrix norm.
        float[] m = Unbiased.vector(30 * 40, 8);
        for (int i = 0; i < 30; i++) {
            for (int j = 0; j < 40; j++) {
                m[i * 40 + j] = 0.05f * m[i * 40 + j] + (float) (3 * Math.sin(i) * Math.cos(j) + Math.cos(2 * i + j));
            }
        }
        CompressorState s = new PowerSgdCompressor(new PowerSgdConfig(2, true, null, false, null))
                .newState(new UpdateLayout(new int[][] {{30, 40}}), new SplittableRandom(3));
        double err = 0;
        for (int round = 0; round < 8; round++) {
            float[] d = s.compress(m).toDense();
            err = 0;
            for (int i = 0; i < m.length; i++) {
                err += (m[i] - d[i]) * (m[i] - d[i]);
            }
        }
        assertTrue(Math.sqrt(err) < 0.1 * Unbiased.norm(m), "error " + Math.sqrt(err));
    }

    @Test
    void vectorLayersAndSmallMatricesTravelRaw() {
        LowRankUpdate u = (LowRankUpdate) new PowerSgdCompressor(new PowerSgdConfig(2, true, null, false, null))
                .newState(new UpdateLayout(new int[][] {{5}, {3, 3}, {10, 10}}), new SplittableRandom(1))
                .compress(Unbiased.vector(5 + 9 + 100, 1));
        assertTrue(u.block(0) instanceof LowRankUpdate.Raw);
        assertTrue(u.block(1) instanceof LowRankUpdate.Raw);
        assertTrue(u.block(2) instanceof LowRankUpdate.Factored);
        assertEquals(5 + 9 + 2 * 20, u.elements());
    }

    @Test
    void needsShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> new PowerSgdCompressor(PowerSgdConfig.of(2)).newState(100, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("powersgd", Map.of("rank", 0)));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("powersgd",
                Map.of("rank", 1, "shapes", List.of(List.of(3, 0)))));
    }
}
