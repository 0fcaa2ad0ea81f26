package org.dml4j.report;

import static org.dml4j.report.XmlTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Line, bar and Gantt charts are well-formed, responsive SVG holding what they were given. */
class ChartsTest {
    private static void assertResponsive(Document doc) {
        Element svg = doc.getDocumentElement();
        assertEquals("svg", svg.getTagName());
        assertEquals("100%", svg.getAttribute("width"));
        assertTrue(svg.getAttribute("viewBox").matches("0 0 \\d+ \\d+"), svg.getAttribute("viewBox"));
        assertEquals("", svg.getAttribute("height"), "no fixed height: the viewBox keeps the aspect");
    }

    private static List<String> titles(Document doc) {
        NodeList n = doc.getElementsByTagName("title");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.getLength(); i++) {
            out.add(n.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void lineChartDrawsEachSeriesAndTheTargetLineEvenAboveTheData() throws Exception {
        String svg = LineChart.svg("a <b>", "round", "accuracy", List.of(
                new Series("s&1", new double[] {1, 2, 3}, new double[] {0.1, Double.NaN, 0.5}),
                new Series("s2", new double[] {1, 2}, new double[] {0.2, 0.3})), List.of(new Rule("target 80%", 0.8)));
        Document doc = parse(svg);
        assertResponsive(doc);
        assertEquals(2, doc.getElementsByTagName("polyline").getLength());
        assertEquals(4, doc.getElementsByTagName("circle").getLength(), "the NaN point is skipped");
        assertTrue(titles(doc).contains("a <b>") && titles(doc).contains("target 80%"));
        assertTrue(svg.contains("stroke-dasharray") && svg.contains(">target 80%</text>"));
        assertTrue(svg.contains(">0.8</text>"), "the value axis reaches the target");
        assertTrue(svg.contains(">s&amp;1</text>"), "legend");
    }

    @Test
    void lineChartWithoutDataSaysSo() throws Exception {
        String svg = LineChart.svg("empty", "x", "y", List.of(), List.of(new Rule("t", 1)));
        parse(svg);
        assertTrue(svg.contains("no data"));
    }

    @Test
    void stackedBarsSumToTheCategoryTotals() throws Exception {
        String svg = BarChart.stacked("samples per client", "client", "samples", List.of("0", "1", "2"),
                List.of(new Bars("label 0", new double[] {5, 0, 2}), new Bars("label 1", new double[] {1, 7, 2})),
                List.of(), 600);
        Document doc = parse(svg);
        assertResponsive(doc);
        List<String> tips = titles(doc);
        assertTrue(tips.contains("label 0, 0: 5 of 6") && tips.contains("label 1, 1: 7 of 7"), tips.toString());
        assertTrue(svg.contains(">label 1</text>"), "legend");
    }

    @Test
    void groupedBarsAndTheirMeanLine() throws Exception {
        String svg = BarChart.grouped("", "GPU", "tokens", List.of("0", "1"),
                List.of(new Bars("a", new double[] {3, 1}), new Bars("b", new double[] {2, 2})),
                List.of(new Rule("mean 2", 2)), 400);
        Document doc = parse(svg);
        assertTrue(titles(doc).containsAll(List.of("a, 0: 3", "b, 1: 2", "mean 2")), titles(doc).toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BarChart.grouped("", "", "",
                List.of("0"), List.of(new Bars("a", new double[] {1, 2})), List.of(), 400));
        assertTrue(e.getMessage().contains("'a' has 2 values for 1 categories"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Bars("b", new double[] {-1}));
        assertTrue(e.getMessage().contains("values[0]"), e.getMessage());
    }

    @Test
    void ganttMergesSubPixelRunsAndLabelsWideBlocks() throws Exception {
        List<Gantt.Block> blocks = new ArrayList<>();
        blocks.add(new Gantt.Block(0, 500, "#5b9bd5", "F mb 0", "0"));
        for (int i = 0; i < 100; i++) { // 100 blocks of 0.01 time units: far below a pixel at width 400
            blocks.add(new Gantt.Block(500 + i * 0.01, 500 + (i + 1) * 0.01, "#f0a04b", "B mb " + i, ""));
        }
        String svg = Gantt.svg(400, 1000, List.of(new Gantt.Row("device 0", "device 0 idle 499", blocks)), "time");
        Document doc = parse(svg);
        assertResponsive(doc);
        List<String> tips = titles(doc);
        assertTrue(tips.contains("F mb 0: 0 to 500"), tips.toString());
        assertTrue(tips.stream().anyMatch(t -> t.startsWith("B mb 0 (+") && t.contains("more)")), tips.toString());
        assertTrue(tips.size() < 30, "merged: " + tips.size());
        assertTrue(svg.contains(">0</text>") && svg.contains(">time</text>") && svg.contains(Gantt.IDLE));
        parse(Gantt.legend(List.of(new Legend.Item("#5b9bd5", "F forward"), new Legend.Item(Gantt.IDLE, "idle")),
                "darker: odd chunks (v > 1)"));
    }
}
