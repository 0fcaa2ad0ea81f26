package org.dml4j.cli;

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
import org.dml4j.fl.Coordinator;
import org.dml4j.fl.RoundMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Asynchronous strategies and the simulated network from experiment files, on the bundled digits data. */
class AsyncRunTest {
    private static final String NETWORK = """
            [network]
            type = "fleet"
            preset = "mobile"
            """;

    private static String strategy(String type) {
        return switch (type) {
            case "fedasync" -> "[strategy]\ntype = \"fedasync\"\nmixing = 0.6\nstaleness = \"polynomial\"\n"
                    + "staleness-a = 0.5\n";
            case "fedbuff" -> "[strategy]\ntype = \"fedbuff\"\nbuffer-size = 3\nmax-concurrency = 4\n";
            case "fedluck" -> "[strategy]\ntype = \"fedluck\"\nperiod = 0.5\nprobe-steps = 2\n"
                    + "[compressor]\ntype = \"topk\"\nratio = 0.1\n";
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static Path file(Path dir, String type) throws Exception {
        String base = RunCommandTest.DIGITS.replace("rounds = 4", "rounds = 12");
        base = base.substring(0, base.indexOf("[strategy]"));
        Path f = dir.resolve(type + ".toml");
        Files.writeString(f, base + strategy(type) + NETWORK);
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fedasync", "fedbuff", "fedluck"})
    void runsOnTheVirtualClock(String type, @TempDir Path dir) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute("run", file(dir, type).toString(), "--out", dir.resolve("o").toString()));
        } finally {
            System.setErr(old);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("o/metrics.csv"));
        assertEquals(12, rows.size());
        double t = 0;
        for (RoundMetrics m : rows) {
            assertTrue(m.simSeconds() >= t, "sim_seconds must not decrease: " + m);
            t = m.simSeconds();
        }
        assertTrue(t > 0, "uploads over 1-20 Mb/s take virtual time");
        List<String> events = Files.readAllLines(dir.resolve("o/events.jsonl"));
        assertEquals(Coordinator.EVENT_LOG_HEADER, events.get(0));
        assertEquals(7, Files.readAllLines(dir.resolve("o/participants.csv")).size(), "header and six clients");
        assertTrue(log.contains("virtual"), log);
        if (type.equals("fedluck")) {
            long choices = log.lines().filter(l -> l.startsWith("fedluck: client")).count();
            assertEquals(6, choices, log);
            assertTrue(log.contains("local steps") && log.contains("ratio"), log);
        }
    }

    @Test
    void badNetworkAndStrategyValuesNameTheTableAndKey() {
        String base = RunCommandTest.DIGITS;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(base + "[network]\ntype = \"fleet\"\npreset = \"mobile\"\nuplink-min-mbps = -1\n",
                        "x.toml"), "x"));
        assertTrue(e.getMessage().contains("uplink-min-mbps") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(base.substring(0, base.indexOf("[strategy]"))
                        + "[strategy]\ntype = \"fedluck\"\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("fedluck") && e.getMessage().contains("identity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(base.substring(0, base.indexOf("[strategy]"))
                        + "[strategy]\ntype = \"fedbuff\"\nbuffer-siz = 3\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("buffer-siz"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(
                ConfigTree.parse(base.substring(0, base.indexOf("[strategy]"))
                        + "[strategy]\ntype = \"fedasync\"\nstaleness = \"cubic\"\n", "x.toml"), "x"));
        assertTrue(e.getMessage().contains("staleness") && e.getMessage().contains("cubic"), e.getMessage());
    }
}
