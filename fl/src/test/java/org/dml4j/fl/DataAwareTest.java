package org.dml4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.Compressors;
import org.dml4j.compress.IdentityCompressor;
import org.junit.jupiter.api.Test;

/** Per-client levels from data sizes, against the spec's test vectors (specs/algorithms.md §1.5, §1.6). */
class DataAwareTest {
    /** One worker with half the data and ten with 5% each. */
    private static final int[] SIZES = {10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

    @Test
    void dagcRMatchesTheSpecVector() {
        double[] d = DataAware.DAGC_R.levels(SIZES, 0.001);
        assertEquals(0.003487, d[0], 5e-7);
        for (int i = 1; i < d.length; i++) {
            assertEquals(0.000751, d[i], 5e-7);
        }
    }

    @Test
    void dagcAMatchesTheSpecVector() {
        double[] l = DataAware.DAGC_A.levels(SIZES, 0.05);
        assertEquals(0.01434, l[0], 5e-6);
        for (int i = 1; i < l.length; i++) {
            assertEquals(0.06655, l[i], 5e-6);
        }
    }

    @Test
    void waterFillingKeepsTheBudget() {
        double[] d = DataAware.DAGC_R_WATER_FILLING.levels(SIZES, 0.001);
        double sum = 0;
        for (double x : d) {
            sum += x;
        }
        assertEquals(0.011, sum, 1e-12);
        assertEquals(0.00215, d[0], 5e-6);
    }

    @Test
    void uniformLeavesTheCompressorAlone() {
        assertNull(DataAware.UNIFORM.levels(SIZES, 0.01));
    }

    @Test
    void parsesAndRejectsSpellings() {
        assertEquals(DataAware.DAGC_R_WATER_FILLING, DataAware.of("DAGC-R-Water-Filling"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataAware.of("dagc"));
        assertTrue(e.getMessage().contains("'dagc'") && e.getMessage().contains("dagc-a"), e.getMessage());
    }

    @Test
    void applySetsTheLevelOrNamesTheMismatch() {
        CompressorState topk = Compressors.create("topk", Map.of("ratio", 0.5)).newState(10, new SplittableRandom(1));
        DataAware.DAGC_R.apply(topk, 0.2, "topk");
        assertEquals(2, topk.compress(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).elements());
        CompressorState id = new IdentityCompressor().newState(10, new SplittableRandom(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataAware.DAGC_A.apply(id, 0.1, "identity"));
        assertTrue(e.getMessage().contains("threshold") && e.getMessage().contains("'identity'"), e.getMessage());
    }

    @Test
    void clientsWithoutDataAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataAware.DAGC_R.levels(new int[] {5, 0}, 0.1));
        assertTrue(e.getMessage().contains("client 1"), e.getMessage());
    }
}
