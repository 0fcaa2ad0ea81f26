package org.dml4j.parallel.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.dml4j.parallel.moe.ExpertPlacement;
import org.dml4j.parallel.moe.ExpertPlacers;
import org.dml4j.parallel.moe.PlacementProblem;
import org.dml4j.parallel.moe.RoutingTrace;
import org.dml4j.parallel.moe.ZipfTraceConfig;
import org.dml4j.parallel.moe.ZipfTraceGenerator;
import org.dml4j.parallel.pipeline.PipelineSchedulers;
import org.dml4j.parallel.pipeline.StageCosts;
import org.dml4j.parallel.pipeline.Timeline;
import org.dml4j.report.Page;
import org.dml4j.report.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** Gantt and load charts are well-formed SVG with the expected blocks, labels, legend and caption. */
class ChartsTest {
    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void ganttHasOneLabelledBlockPerOperationAndVisibleBubbles() throws Exception {
        // Prepare
        StageCosts c = StageCosts.builder(4).forward(1).backward(1).weight(1).activationMemory(2).build();
        Timeline t = PipelineSchedulers.simulate("zb-h1", c, 8, 1);
        // Execute
        String svg = GanttChart.svg(t, 1200);
        Document doc = parse(svg);
        // Assert: 4 idle backgrounds + 4 x 24 blocks; every block has a micro-batch label at this width
        assertEquals(4 + 4 * 24, doc.getElementsByTagName("rect").getLength() - 1); // minus the pattern's rect
        assertTrue(svg.contains("F mb 7") && svg.contains("W mb 0") && svg.contains("B mb 3"));
        assertTrue(svg.contains(">7</text>"));
        assertTrue(svg.contains("url(#idle)"));
        String caption = GanttChart.caption(t);
        assertTrue(caption.contains("iteration time 27") && caption.contains("bubble")
                && caption.contains("peak memory per device [8, 8, 8, 8]"), caption);
        parse(GanttChart.legend());
    }

    @Test
    void largeSchedulesStayDrawable() throws Exception {
        StageCosts c = StageCosts.uniform(8, 1, 1, 1);
        Timeline t = PipelineSchedulers.simulate("interleaved", c, 256, 2);
        String svg = GanttChart.svg(t, 1000);
        parse(svg);
        assertTrue(svg.length() < 3_000_000, "" + svg.length());
    }

    @Test
    void reportWithGanttAndLoadChartsIsWrittenAtomically(@TempDir Path dir) throws Exception {
        // Prepare
        RoutingTrace trace = ZipfTraceGenerator.generate(new ZipfTraceConfig(32, 1, 320_000, 1.0, 0, 0, 3));
        PlacementProblem p = trace.problem(0, 8, 5, 8);
        List<ExpertPlacement> placements = List.of(ExpertPlacers.get("round-robin").place(p),
                ExpertPlacers.get("greedy").place(p), ExpertPlacers.get("balanced").place(p));
        Page report = new Page("test <report>", Provenance.current());
        report.paragraph("a & b").table(List.of("x", "y"), List.of(List.of("1", "2")));
        GanttChart.addTo(report, PipelineSchedulers.simulate("1f1b", StageCosts.uniform(3, 1, 2, 0), 6, 1), 800);
        report.figure(LoadChart.perGpu(placements, 900), "tokens per GPU");
        report.figure(LoadChart.perExpert(p.loads(), 900), "tokens per expert");
        Path file = dir.resolve("out/report.html");
        // Execute
        report.write(file);
        // Assert
        String html = Files.readString(file);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("test &lt;report&gt;")
                && html.contains("a &amp; b") && html.contains("max/mean"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
        parse(LoadChart.perGpu(placements, 900));
        parse(LoadChart.perExpert(p.loads(), 400));
    }
}
