package org.dml4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartTest {
    @Test
    void ticksAreNiceAndCoverTheRange() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}, SvgChart.ticks(0.03, 0.97, 6), 1e-12);
        double[] t = SvgChart.ticks(1, 20, 6);
        assertTrue(t[0] <= 1 && t[t.length - 1] >= 20);
        assertEquals(5.0, t[1] - t[0], 1e-12);
    }

    @Test
    void labelsAreShort() {
        assertEquals("250M", SvgChart.fmt(2.5e8));
        assertEquals("12k", SvgChart.fmt(12_000));
        assertEquals("0.123", SvgChart.fmt(0.12345));
        assertEquals("7", SvgChart.fmt(7));
    }

    @Test
    void rendersEveryFinitePointAndEscapesText() {
        String svg = SvgChart.line("a <b>", "x", "y", List.of(
                new Series("s&1", new double[] {1, 2, 3}, new double[] {0.5, Double.NaN, 0.7})));
        assertTrue(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"));
        assertTrue(svg.contains("a &lt;b&gt;") && svg.contains("s&amp;1"));
        assertEquals(2, svg.split("<circle").length - 1, "the NaN point is skipped");
        assertTrue(SvgChart.line("empty", "x", "y", List.of()).contains("no data"));
    }
}
