package org.dml4j.compress.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DagcATest {
    @Test
    void matchesTheSpecTestVectorAndKeepsTheHarmonicMean() {
        double[] lambda = DagcA.assign(DagcRTest.repeat(0.5, 0.05, 10), 0.05);
        assertEquals(0.01434, lambda[0], 5e-6);
        double inv = 1 / lambda[0];
        for (int i = 1; i < 11; i++) {
            assertEquals(0.06655, lambda[i], 5e-6);
            inv += 1 / lambda[i];
        }
        assertEquals(0.05, 11 / inv, 1e-12);
    }

    @Test
    void iidGivesTheSameThresholdEverywhereAndBadInputFails() {
        double[] l = DagcA.assign(new double[] {3, 3, 3}, 0.2);
        for (double v : l) {
            assertEquals(0.2, v, 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> DagcA.assign(new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> DagcA.assign(new double[] {-1}, 1));
    }
}
