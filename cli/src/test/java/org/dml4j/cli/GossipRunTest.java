package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.fl.RoundMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [gossip] tables: peers and no coordinator, on the bundled digits data. */
class GossipRunTest {
    private static final String NETWORK = """
            [devices]
            type = "constant"
            seconds-per-step = 0.01
            [network]
            type = "uniform"
            uplink-mbps = 100
            downlink-mbps = 100
            latency-ms = 10
            """;

    private static String base() {
        return RunCommandTest.DIGITS.replace("local-epochs = 1", "local-steps = 4") + NETWORK;
    }

    private static void run(Path file, Path out, String threads) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute("run", file.toString(), "--out", out.toString(), "--set",
                    "run.threads=" + threads), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void gossipRunsOnTheVirtualClockWithTheSameNumbersForOneAndTwoThreads(@TempDir Path dir) throws Exception {
        for (String gossip : List.of("mode = \"dpsgd\"\ngraph = \"ring\"\n",
                "mode = \"bacombo\"\nsegments = 3\nreplicas = 2\npair-mbps = 10\n",
                "mode = \"dpsgd\"\ngraph = \"ring\"\nconsensus-step = 0.5\n[compressor]\ntype = \"topk\"\nratio = 0.1\n",
                "mode = \"combo\"\nsegments = 2\nreplicas = 2\nchurn = [{ at = 0.05, leave = [1] },"
                        + " { at = 0.1, join = [1] }]\n")) {
            Path file = dir.resolve("g.toml");
            Files.writeString(file, base() + "[gossip]\n" + gossip);
            String name = gossip.substring(8, 13) + gossip.length();
            run(file, dir.resolve(name + "1"), "1");
            run(file, dir.resolve(name + "2"), "2");
            List<RoundMetrics> rows = MetricsCsv.read(dir.resolve(name + "1/metrics.csv"));
            assertEquals(4, rows.size());
            double t = 0;
            for (RoundMetrics m : rows) {
                assertTrue(m.simSeconds() > t + 0.04, "4 steps of 10 ms and the transfers: " + m);
                t = m.simSeconds();
                assertTrue(m.bytesUp() > 0, m.toString());
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve(name + "1/metrics.csv")),
                    Files.readAllBytes(dir.resolve(name + "2/metrics.csv")), name);
        }
    }

    @Test
    void badGossipTablesNameTheKey() {
        String b = base();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(b + "[gossip]\nmode = \"dpsgd\"\ngraph = \"erdos-renyi\"\np = 0.01\n", "x.toml"),
                "x"));
        assertTrue(e.getMessage().contains("[gossip]") && e.getMessage().contains("disconnected"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(b + "[gossip]\nmode = \"combo\"\nreplicas = 6\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("replicas (R)") && e.getMessage().contains("got 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(b + "[gossip]\nmode = \"dpsgd\"\ngraph = \"torus\"\nrows = 4\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(b + "[gossip]\nmode = \"push-sum\"\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("[gossip]") && e.getMessage().contains("push-sum"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(RunCommandTest.DIGITS + "[gossip]\npair-mbps = 10\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("[network]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(b + "[gossip]\nmode = \"combo\"\nchurn = [{ at = 1.0, leave = [7] }]\n", "x.toml"),
                "x"));
        assertTrue(e.getMessage().contains("[gossip] churn") && e.getMessage().contains("unknown peer 7"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(b + "[gossip]\nmode = \"dpsgd\"\nchurn = [{ at = 1.0, leave = [8] }]\n", "x.toml"),
                "x"));
        assertTrue(e.getMessage().contains("[gossip] churn") && e.getMessage().contains("unknown peer 8"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(b + "[gossip]\nmode = \"combo\"\nconsensus-step = 0\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("consensus-step") && e.getMessage().contains("0"), e.getMessage());
    }
}
