package org.dml4j.compress.adaptive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DagcRTest {
    static double[] repeat(double first, double rest, int n) {
        double[] p = new double[n + 1];
        Arrays.fill(p, rest);
        p[0] = first;
        return p;
    }

    @Test
    void matchesTheSpecTestVectors() {
        // §1.5: p = [0.5, 0.05 x10], δ̄ = 0.001
        double[] d1 = DagcR.assign(repeat(0.5, 0.05, 10), 0.001);
        assertEquals(0.003487, d1[0], 5e-7);
        for (int i = 1; i < 11; i++) {
            assertEquals(0.000751, d1[i], 5e-7);
        }
        // p = [10, 8, 6, 4, 2, 1] / 31, δ̄ = 0.01 (unnormalised weights work too)
        assertArrayEquals(new double[] {0.015789, 0.013607, 0.011232, 0.008572, 0.005400, 0.005400},
                DagcR.assign(new double[] {10, 8, 6, 4, 2, 1}, 0.01), 5e-7);
        // IID: uniform
        assertArrayEquals(new double[] {0.01, 0.01, 0.01, 0.01, 0.01},
                DagcR.assign(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, 0.01), 1e-12);
    }

    @Test
    void workerOrderIsKept() {
        double[] d = DagcR.assign(new double[] {1, 10, 4, 2, 8, 6}, 0.01);
        assertArrayEquals(new double[] {0.005400, 0.015789, 0.008572, 0.005400, 0.013607, 0.011232}, d, 5e-7);
    }

    @Test
    void phiReproducesTheSpecNumbers() {
        double[] p = repeat(0.5, 0.05, 10);
        assertEquals(974.4, DagcR.phi(p, DagcR.assign(p, 0.001)), 0.1);
        double[] uniform = new double[11];
        Arrays.fill(uniform, 0.001);
        assertEquals(1000, DagcR.phi(p, uniform), 1e-9);
        double[] q = {10, 8, 6, 4, 2, 1};
        assertEquals(126.8, DagcR.phi(q, DagcR.assign(q, 0.01)), 0.1);
    }

    @Test
    void waterFillingMatchesSection19() {
        double[] p = repeat(0.5, 0.05, 10);
        double[] w = DagcR.waterFilling(p, 0.001);
        assertEquals(0.00215, w[0], 5e-6);
        for (int i = 1; i < 11; i++) {
            assertEquals(0.000885, w[i], 5e-7);
        }
        assertEquals(927, DagcR.phi(p, w), 1);
        assertArrayEquals(new double[] {0.01, 0.01, 0.01, 0.01, 0.01, 0.01},
                DagcR.waterFilling(new double[] {10, 8, 6, 4, 2, 1}, 0.01), 1e-9);
    }

    @Property(tries = 200)
    void budgetIsKeptAndWaterFillingIsNeverWorse(@ForAll @Size(min = 1, max = 30) double[] raw,
            @ForAll @DoubleRange(min = 1e-4, max = 0.3) @Scale(6) double deltaBar) {
        double[] p = Arrays.stream(raw).map(x -> 1e-3 + Math.abs(x) % 1000).toArray();
        double[] a = DagcR.assign(p, deltaBar);
        double[] w = DagcR.waterFilling(p, deltaBar);
        double budget = p.length * deltaBar;
        assertEquals(budget, Arrays.stream(a).sum(), 1e-9 * budget);
        assertEquals(budget, Arrays.stream(w).sum(), 1e-9 * budget);
        for (int i = 0; i < p.length; i++) {
            assertTrue(a[i] > 0 && a[i] <= 1 && w[i] > 0 && w[i] <= 1);
        }
        assertTrue(DagcR.phi(p, w) <= DagcR.phi(p, a) * (1 + 1e-6), "water-filling minimises Φ");
    }

    @Test
    void ratiosAboveOneAreClippedAndRedistributed() {
        double[] d = {1.5, 0.5, 0.3};
        Weights.capAtOne(d);
        assertArrayEquals(new double[] {1, 0.8125, 0.4875}, d, 1e-12);
        double[] chain = {3, 0.9, 0.1};
        Weights.capAtOne(chain);
        assertArrayEquals(new double[] {1, 1, 1}, chain, 1e-12);
    }

    @Test
    void badInputFails() {
        assertThrows(IllegalArgumentException.class, () -> DagcR.assign(new double[] {}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> DagcR.assign(new double[] {1, 0}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> DagcR.assign(new double[] {1, Double.NaN}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> DagcR.assign(new double[] {1, 2}, 0));
        assertThrows(IllegalArgumentException.class, () -> DagcR.assign(new double[] {1, 2}, 1.5));
        assertEquals(0.3, DagcR.assign(new double[] {5}, 0.3)[0]);
    }
}
