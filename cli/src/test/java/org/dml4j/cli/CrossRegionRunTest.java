package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.fl.RoundMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [cross-region] runs on the bundled digits data: DiLoCo, Local SGD, synchronous and DeCo over two regions. */
class CrossRegionRunTest {
    private static final String LINKS = """
            [devices]
            type = "constant"
            seconds-per-step = 0.01
            [topology]
            mode = "flat"
            regions = 2
            placement = "blocks"
            wan-mbps = 5
            """;

    private static String file(String algorithm, int steps, String extra) {
        String b = RunCommandTest.DIGITS.replace("local-epochs = 1", "local-steps = " + steps)
                .replace("type = \"dirichlet\"", "type = \"iid\"").replace("alpha = 0.5\n", "")
                .replace("min-size = 5\n", "");
        return b + LINKS + "[cross-region]\nalgorithm = \"" + algorithm + "\"\n" + extra;
    }

    @Test
    void dilocoRunsWithSimSecondsAndWanBytesAndTheSameFileForOneAndTwoThreads(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("diloco.toml");
        Files.writeString(f, file("diloco", 5, "").replace("learning-rate = 0.05", "learning-rate = 0.005"));
        assertEquals(0, RunCommandTest.run("run", f.toString(), "--out", dir.resolve("a").toString(), "--set",
                "run.threads=1"));
        assertEquals(0, RunCommandTest.run("run", f.toString(), "--out", dir.resolve("b").toString(), "--set",
                "run.threads=2"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/metrics.csv")),
                Files.readAllBytes(dir.resolve("b/metrics.csv")));
        assertTrue(Files.readAllLines(dir.resolve("a/metrics.csv")).get(0).endsWith(",sim_seconds,wan_bytes"));
        List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("a/metrics.csv"));
        assertEquals(4, rows.size());
        double t = 0;
        for (RoundMetrics m : rows) {
            assertEquals(6, m.clients(), "six workers");
            assertTrue(m.simSeconds() > t, m.toString());
            t = m.simSeconds();
            assertTrue(m.wanBytes() > 0 && m.wanBytes() < m.bytesUp(), m.toString());
        }
        assertTrue(rows.get(3).testLoss() < rows.get(0).testLoss(), "it learns: " + rows);
        assertTrue(rows.get(3).testAccuracy() > 0.3, "10 classes: " + rows.get(3));
    }

    @Test
    void everyAlgorithmRuns(@TempDir Path dir) throws Exception {
        String[][] runs = {{"local-sgd", "5", ""}, {"sync", "1", ""},
            {"deco", "1", "max-staleness = 2\n[compressor]\ntype = \"topk\"\nratio = 0.5\nerror-feedback = true\n"}};
        for (String[] r : runs) {
            Path f = dir.resolve(r[0] + ".toml");
            Files.writeString(f, file(r[0], Integer.parseInt(r[1]), r[2]));
            assertEquals(0, RunCommandTest.run("run", f.toString(), "--out", dir.resolve(r[0]).toString()), r[0]);
            List<RoundMetrics> rows = MetricsCsv.read(dir.resolve(r[0] + "/metrics.csv"));
            assertEquals(4, rows.size(), r[0]);
            assertTrue(rows.get(3).simSeconds() > 0, r[0]);
        }
    }

    @Test
    void badCrossRegionFilesNameTheKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(file("sync", 5, ""), "x.toml"), "x"));
        assertTrue(e.getMessage().contains("[cross-region]") && e.getMessage().contains("local-steps must be 1, got 5"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(file("ring-allreduce", 5, ""), "x.toml"), "x"));
        assertTrue(e.getMessage().contains("algorithm") && e.getMessage().contains("'ring-allreduce'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(file("deco", 1, ""), "x.toml"), "x"));
        assertTrue(e.getMessage().contains("compressor with a ratio"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(file("deco", 1, "staleness = 7\n"), "x.toml"), "x"));
        assertTrue(e.getMessage().contains("staleness") && e.getMessage().contains("7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(file("local-sgd", 5, "").replace("wan-mbps = 5", "wan-mbps = 0"), "x.toml"),
                "x"));
        assertTrue(e.getMessage().contains("wan-mbps") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(file("local-sgd", 5, "").replace("mode = \"flat\"", "mode = \"hierarchical\""),
                        "x.toml"), "x"));
        assertTrue(e.getMessage().contains("mode must be \"flat\""), e.getMessage());
    }
}
