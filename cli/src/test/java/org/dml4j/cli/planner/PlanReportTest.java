package org.dml4j.cli.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dml4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dml4j plan --out DIR} writes {@code report.html}: the plans, their time and memory charts, the footer. */
class PlanReportTest {
    @Test
    void planWritesAReportWithEachPlansTimeBreakdown(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("plan");

        int rc = Main.execute(new String[] {"plan", "--model", "megatron-1.7b", "--cluster", "dgx-a100:8",
            "--global-batch", "64", "--top", "3", "--out", out.toString()});

        assertEquals(0, rc);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("dml4j plan: megatron-1.7b") && html.contains("Predicted time per iteration"), html);
        assertTrue(html.contains("<td>#3</td>"), "three plans in the table");
        int bars = html.split("<title>compute, #").length - 1;
        assertEquals(3, bars, "one compute bar per plan");
        assertTrue(html.contains("GPU memory 80 GiB"), "the memory limit as a line");
        assertTrue(html.contains("<footer>dml4j "), "provenance footer");
    }

    @Test
    void anEvaluatedPlanGetsAReportToo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("eval");

        int rc = Main.execute(new String[] {"plan", "--model", "megatron-1.7b", "--cluster", "dgx-a100:8",
            "--global-batch", "64", "--evaluate", "tp=2,pp=2,mb=1", "--out", out.toString()});

        assertEquals(0, rc);
        String html = Files.readString(out.resolve("report.html"));
        assertEquals(1, html.split("<title>compute, #").length - 1, html);
    }
}
