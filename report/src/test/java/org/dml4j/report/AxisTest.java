package org.dml4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

/** Nice ticks cover the data, and their labels are distinct and short. */
class AxisTest {
    @Test
    void niceAxesWidenToWholeTicks() {
        Axis a = Axis.nice(0.03, 0.97, 5);
        assertEquals(0.2, a.step(), 1e-12);
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1}, a.ticks(), 1e-12);
        assertEquals("0.6", a.label(a.ticks()[3]));
        Axis r = Axis.nice(1, 20, 5);
        assertEquals(5, r.step(), 0);
        assertArrayEquals(new double[] {0, 5, 10, 15, 20}, r.ticks(), 0);
    }

    @Test
    void exactAxesKeepTheirRange() {
        Axis a = Axis.exact(0, 37, 10);
        assertEquals(37, a.max(), 0);
        assertEquals(5, a.step(), 0);
        assertEquals(35, a.ticks()[a.ticks().length - 1], 0);
    }

    @Test
    void labelsUseSuffixesAndTheDecimalsTheStepNeeds() {
        assertEquals("250M", Axis.nice(0, 3e8, 6).label(2.5e8));
        assertEquals("12k", Axis.nice(0, 20_000, 5).label(12_000));
        assertEquals("1.0025", Axis.nice(1, 1.01, 4).label(1.0025));
        assertEquals("7", Axis.nice(0, 10, 5).label(7));
        assertEquals("0", Axis.nice(-10, 10, 4).label(-0.0));
        Axis m = Axis.nice(0, 1.9e6, 4);
        assertEquals("0", m.label(0));
        assertEquals("1.5M", m.label(1.5e6));
    }

    @Test
    void singleValuesGetARangeAndBadDataIsRejected() {
        Axis a = Axis.nice(0.5, 0.5, 5);
        assertTrue(a.min() < 0.5 && a.max() > 0.5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Axis.nice(Double.NaN, 1, 5));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Axis.nice(2, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> Axis.nice(0, 1, 0));
    }

    @Property(tries = 300)
    void ticksCoverTheDataWithDistinctLabels(@ForAll @DoubleRange(min = -1e7, max = 1e7) double lo,
                                             @ForAll @DoubleRange(min = 1e-6, max = 1e8) @Scale(8) double span,
                                             @ForAll @IntRange(min = 2, max = 12) int target) {
        Axis a = Axis.nice(lo, lo + span, target);
        double[] t = a.ticks();
        assertTrue(a.min() <= lo && a.max() >= lo + span, a.toString());
        assertTrue(t.length >= 2 && t.length <= 2 * target + 2, a + " " + t.length);
        java.util.Set<String> labels = new java.util.HashSet<>();
        for (double v : t) {
            assertTrue(labels.add(a.label(v)), "duplicate label " + a.label(v) + " on " + a);
        }
    }
}
