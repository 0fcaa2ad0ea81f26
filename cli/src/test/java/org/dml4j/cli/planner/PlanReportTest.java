package org.dml4j.cli.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dml4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dml4j plan --out DIR} writes {@code report.html}: the plans, their time and memory charts, the footer. */
class PlanReportTest {
    @TempDir
    Path dir;

    /** Plans megatron-1.7b on 8 A100s with {@code extra} options into a fresh folder; returns its report. */
    private String planReport(String... extra) throws IOException {
        Path out = dir.resolve("plan");
        List<String> args = new ArrayList<>(List.of("plan", "--model", "megatron-1.7b", "--cluster", "dgx-a100:8",
                "--global-batch", "64", "--out", out.toString()));
        args.addAll(List.of(extra));
        assertEquals(0, Main.execute(args.toArray(String[]::new)));
        return Files.readString(out.resolve("report.html"));
    }

    @Test
    void planWritesAReportWithEachPlansTimeBreakdown() throws IOException {
        String html = planReport("--top", "3");

        assertTrue(html.contains("dml4j plan: megatron-1.7b") && html.contains("Predicted time per iteration"), html);
        assertTrue(html.contains("<td>#3</td>"), "three plans in the table");
        assertEquals(3, html.split("<title>compute, #").length - 1, "one compute bar per plan");
        assertTrue(html.contains("GPU memory 80 GiB"), "the memory limit as a line");
        assertTrue(html.contains("<footer>dml4j "), "provenance footer");
    }

    @Test
    void anEvaluatedPlanGetsAReportToo() throws IOException {
        String html = planReport("--evaluate", "tp=2,pp=2,mb=1");

        assertEquals(1, html.split("<title>compute, #").length - 1, html);
    }
}
