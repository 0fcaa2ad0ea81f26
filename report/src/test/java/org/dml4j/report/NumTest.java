package org.dml4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Values for people stay short and avoid scientific notation in the usual ranges. */
class NumTest {
    @Test
    void valuesForPeople() {
        assertEquals("7", Num.value(7));
        assertEquals("0.1235", Num.value(0.123456));
        assertEquals("1234.6", Num.value(1234.56));
        assertEquals("800401", Num.value(800400.7));
        assertEquals("1.000e-04", Num.value(1e-4));
        assertEquals("–", Num.value(Double.NaN));
        assertEquals("12.5", Num.coord(12.5));
        assertEquals("3", Num.coord(3));
    }
}
