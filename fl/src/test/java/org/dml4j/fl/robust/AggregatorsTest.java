package org.dml4j.fl.robust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every rule against values computed by hand. */
class AggregatorsTest {
    @Test
    void medianTakesTheMiddleOrTheMeanOfTheTwoMiddleValues() {
        assertArrayEquals(new float[] {2f, 5f}, Aggregators.median(new float[][] {{1, 10}, {3, -2}, {2, 5}}));
        // sorted 1, 2, 4, 10: (2 + 4) / 2
        assertArrayEquals(new float[] {3f}, Aggregators.median(new float[][] {{1}, {4}, {2}, {10}}));
    }

    @Test
    void trimmedMeanDropsTheExtremesOfEachCoordinate() {
        // n = 4, beta = 0.25: b = 1; coordinate 0 keeps 2, 3; coordinate 1 keeps -1, 0
        assertArrayEquals(new float[] {2.5f, -0.5f},
                Aggregators.trimmedMean(new float[][] {{1, 0}, {2, -50}, {3, -1}, {100, 7}}, 0.25));
        // beta = 0 is the plain mean
        assertArrayEquals(new float[] {26.5f}, Aggregators.trimmedMean(new float[][] {{1}, {2}, {3}, {100}}, 0));
        assertThrows(IllegalArgumentException.class, () -> Aggregators.trimmedMean(new float[][] {{1}}, 0.5));
    }

    @Test
    void krumScoresSumTheClosestSquaredDistances() {
        float[][] u = {{0}, {1}, {2}, {3}, {100}};
        // f = 1: n - f - 2 = 2 nearest. row 0: 1 + 4; row 1: 1 + 1; row 2: 1 + 1; row 3: 1 + 4; row 4: 97² + 98²
        assertArrayEquals(new double[] {5, 2, 2, 5, 97 * 97 + 98 * 98}, Aggregators.krumScores(u, 1), 1e-12);
        assertArrayEquals(new float[] {1f}, Aggregators.multiKrum(u, 1, 1), "Krum: the lower index of the tie");
        // multi-Krum m = 3: rows 1, 2 and 0 (5 ties with row 3, lower index first): mean 1
        assertArrayEquals(new int[] {1, 2, 0}, Aggregators.krumSelect(u, 1, 3));
        assertArrayEquals(new float[] {1f}, Aggregators.multiKrum(u, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> Aggregators.krumScores(new float[][] {{0}, {1}, {2},
            {3}}, 1), "n must exceed 2f + 2");
    }

    @Test
    void clippingScalesOnlyUpdatesAboveTheBound() {
        assertArrayEquals(new float[] {0.6f, 0.8f}, Aggregators.clip(new float[] {3, 4}, 1), 1e-7f);
        assertArrayEquals(new float[] {3f, 4f}, Aggregators.clip(new float[] {3, 4}, 10));
        assertArrayEquals(new float[] {3f, 4f}, Aggregators.clip(new float[] {3, 4}, 5), "norm 5 is not above 5");
    }

    @Test
    void weightedMeanAndBadInput() {
        assertArrayEquals(new float[] {2.5f}, Aggregators.weightedMean(new float[][] {{1}, {3}}, new double[] {1,
            3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Aggregators.median(new float[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("update 1 has dim 1"), e.getMessage());
    }
}
