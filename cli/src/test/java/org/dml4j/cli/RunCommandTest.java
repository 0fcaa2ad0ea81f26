package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.report.Xml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end runs of {@code dml4j run} on the bundled digits data set. */
class RunCommandTest {
    static final String DIGITS = """
            [run]
            name = "digits"
            seed = 7
            rounds = 4
            [data]
            dataset = "digits"
            [partition]
            type = "dirichlet"
            clients = 6
            alpha = 0.5
            min-size = 5
            [model]
            type = "mlp"
            hidden = [32]
            [training]
            batch-size = 16
            local-epochs = 1
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.05 }
            [strategy]
            type = "fedavg"
            fraction = 0.5
            """;

    static int run(String... args) {
        PrintStream old = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return Main.execute(args);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void sameSeedGivesByteIdenticalMetricsWithOneAndTwoThreads(@TempDir Path dir) throws Exception {
        // Prepare
        Path file = dir.resolve("digits.toml");
        Files.writeString(file, DIGITS);
        // Execute
        assertEquals(0, run("run", file.toString(), "--set", "run.threads=1", "--out", dir.resolve("t1").toString()));
        assertEquals(0, run("run", file.toString(), "--set", "run.threads=2", "--out", dir.resolve("t2").toString()));
        // Assert
        byte[] one = Files.readAllBytes(dir.resolve("t1/metrics.csv"));
        byte[] two = Files.readAllBytes(dir.resolve("t2/metrics.csv"));
        assertArrayEquals(one, two);
        List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("t1/metrics.csv"));
        assertEquals(4, rows.size());
        assertEquals(3, rows.get(0).clients());
        assertTrue(rows.get(3).testAccuracy() > 0.5, "digits should be learnable: " + rows.get(3));
        assertTrue(rows.get(3).totalBytesUp() == 4 * rows.get(0).bytesUp(), "3 dense updates a round");
    }

    @Test
    void writesManifestConfigAndReport(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("digits.toml");
        Files.writeString(file, DIGITS);
        Path out = dir.resolve("out");
        assertEquals(0, run("run", file.toString(), "--set", "run.rounds=2", "--out", out.toString()));
        String manifest = Files.readString(out.resolve("run-manifest.json"));
        assertTrue(manifest.contains("\"seed\": 7") && manifest.contains("\"kernel-provider\""), manifest);
        assertTrue(manifest.contains("\"rounds\": 2"), "overrides reach the manifest");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest);
        assertEquals("[\"run.rounds=2\"]", json.get("overrides").toString(), "the overrides on their own");
        assertEquals("0.36.0", json.get("libraries").get("djl").asText(), manifest);
        assertEquals("2.7.1", json.get("libraries").get("pytorch").asText(), manifest);
        List<String> tables = new java.util.ArrayList<>();
        json.get("config").fieldNames().forEachRemaining(tables::add);
        assertEquals(List.of("run", "data", "partition", "model", "training", "strategy", "compressor"), tables,
                "the tables in the order they are resolved");
        assertEquals(100, json.get("config").get("partition").get("max-retries").asInt(), "defaults included");
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("<svg") && report.contains("Test accuracy by bytes on the wire"));
        assertTrue(report.contains(">target 80%</text>"), "the default target drawn as a line");
        assertTrue(report.contains("Samples per client, by label") && report.contains("<title>label 9, 5: "),
                "the partition of the 6 clients as a chart");
        JsonNode m = new ObjectMapper().readTree(manifest);
        String footer = report.substring(report.indexOf("<footer>"), report.indexOf("</footer>"));
        assertTrue(footer.contains(m.path("git-commit").asText()) && footer.contains(m.path("dml4j-version").asText())
                && footer.contains(Xml.esc(m.path("cpu-model").asText())), footer);
        assertTrue(Files.readString(out.resolve("config.toml")).contains("rounds = 2"));
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")), "no temp files left behind");
        }
    }

    @Test
    void compareOverlaysRuns(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.toml");
        Path b = dir.resolve("b.toml");
        Files.writeString(a, DIGITS.replace("name = \"digits\"", "name = \"avg\""));
        Files.writeString(b, DIGITS.replace("name = \"digits\"", "name = \"prox\"")
                .replace("type = \"fedavg\"", "type = \"fedprox\"\nmu = 0.01"));
        Path out = dir.resolve("cmp");
        assertEquals(0, run("compare", a.toString(), b.toString(), "--set", "run.rounds=2", "--out",
                out.toString()));
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains(">avg<") && report.contains(">prox<"), "both runs in the overlay");
        assertTrue(Files.exists(out.resolve("avg/metrics.csv")) && Files.exists(out.resolve("prox/metrics.csv")));
    }
}
