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
import org.dml4j.compress.UpdateCodec;
import org.dml4j.fl.RoundMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [topology] tables: hierarchical and flat runs over the same sites, on the bundled digits data. */
class TopologyRunTest {
    private static final String TOPOLOGY = """
            [devices]
            type = "constant"
            seconds-per-step = 0.01
            [topology]
            mode = "hierarchical"
            regions = 2
            placement = "round-robin"
            grouping = "measured"
            edge-rounds = 2
            wan-mbps = 5
            [topology.edge-uplink]
            type = "topk"
            ratio = 0.25
            """;

    private static String base() {
        String b = RunCommandTest.DIGITS.replace("local-epochs = 1", "local-steps = 4");
        return b.replace("fraction = 0.5", "fraction = 1.0");
    }

    private static String log(Path file, Path out, String... set) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] args = new String[4 + 2 * set.length];
            args[0] = "run";
            args[1] = file.toString();
            args[2] = "--out";
            args[3] = out.toString();
            for (int i = 0; i < set.length; i++) {
                args[4 + 2 * i] = "--set";
                args[5 + 2 * i] = set[i];
            }
            assertEquals(0, Main.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void hierarchicalRunsOnTheVirtualClockWithItsOwnEdgeCompressor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hier.toml");
        Files.writeString(file, base() + TOPOLOGY);
        String log = log(file, dir.resolve("o"), "run.threads=1");
        assertTrue(log.contains("grouping measured"), log);
        assertTrue(log.contains("(0 from other sites)"), "measured groups follow the links: " + log);
        assertTrue(log.contains("edge 1 (3 clients): LAN"), log);
        List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("o/metrics.csv"));
        assertEquals(4, rows.size());
        for (RoundMetrics m : rows) {
            assertEquals(2, m.clients(), "the cloud dispatches to its two edges");
            assertTrue(m.simSeconds() > 0, m.toString());
            assertTrue(m.densityUp() < 0.3, "edge -> cloud is Top-k 0.25: " + m);
            assertEquals(m.bytesUp() + m.bytesDown(), m.wanBytes(), "edge <-> cloud is the WAN: " + m);
        }
        assertTrue(Files.readAllLines(dir.resolve("o/metrics.csv")).get(0).endsWith(",sim_seconds,wan_bytes"));
        assertEquals(3, Files.readAllLines(dir.resolve("o/participants.csv")).size(), "header and two edges");
        // same seed, two threads: the same file
        log(file, dir.resolve("o2"), "run.threads=2");
        assertArrayEquals(Files.readAllBytes(dir.resolve("o/metrics.csv")),
                Files.readAllBytes(dir.resolve("o2/metrics.csv")));
    }

    @Test
    void flatModeFeedsTheSitesToTheNetworkModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("flat.toml");
        String flat = TOPOLOGY.substring(0, TOPOLOGY.indexOf("[topology.edge-uplink]"))
                .replace("mode = \"hierarchical\"", "mode = \"flat\"").replace("edge-rounds = 2\n", "");
        Files.writeString(file, base() + flat);
        log(file, dir.resolve("o"), "run.threads=1");
        List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("o/metrics.csv"));
        assertEquals(6, rows.get(0).clients());
        long dense = rows.get(0).bytesUp() / 6;
        assertTrue(dense > UpdateCodec.HEADER_BYTES, "dense uploads");
        for (RoundMetrics m : rows) {
            assertEquals(m.bytesUp() + m.bytesDown(), m.wanBytes(), "every transfer crosses a site's WAN link");
        }
        // three clients share a 5 Mb/s WAN link per site: a round takes at least their three uploads over it
        assertTrue(rows.get(0).simSeconds() > 3 * dense / (5 * 125_000.0), rows.get(0).toString());
    }

    @Test
    void badTopologiesNameTheKey() {
        String b = base();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(b + "[topology]\nregions = 2\nwan-mbps = 0\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("wan-mbps") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(ConfigTree.parse(b
                + "[topology]\nsites = [{ name = \"a\", clients = [0, 1, 2] }, { name = \"b\", clients = [3, 4, 7] }]\n",
                "x.toml"), "x"));
        assertTrue(e.getMessage().contains("unknown node id 7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(ConfigTree.parse(b
                + "[topology]\nregions = 3\nplacement = \"blocks\"\ngrouping = \"measured\"\nlan-mbps = 1\n"
                + "cross-mbps = 100\ncross-latency-ms = 0\nlan-latency-ms = 50\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("with no clients"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(ConfigTree.parse(
                RunCommandTest.DIGITS + "[topology]\nregions = 2\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("local-steps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(ConfigTree.parse(b
                + "[topology]\nregions = 2\n[network]\ntype = \"uniform\"\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("[network]"), e.getMessage());
    }
}
