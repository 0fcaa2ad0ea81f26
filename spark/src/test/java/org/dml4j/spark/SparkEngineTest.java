package org.dml4j.spark;

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
import org.dml4j.cli.Main;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.fl.RoundMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15's first "done when": a {@code local[2]} Spark run equals the in-process run for the same seed, metrics
 * byte for byte, for FedAvg, FedAvg with Top-k and error feedback, and FedBuff and FedLuck on the virtual clock (devices and a
 * network, so replies arrive out of dispatch order), on the bundled digits data. Both runs go through
 * {@code dml4j run}, the second with {@code --engine spark --master local[2]}.
 */
class SparkEngineTest {
    private static final String BASE = """
            [run]
            name = "digits"
            seed = 11
            rounds = 4
            threads = 2
            [data]
            dataset = "digits"
            [partition]
            type = "shards"
            clients = 8
            classes-per-client = 3
            [model]
            type = "mlp"
            hidden = [32]
            [training]
            batch-size = 16
            local-epochs = 1
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.05 }
            """;

    private static String experiment(String kind) {
        String base = kind.startsWith("fed") && !kind.startsWith("fedavg") ? BASE.replace("rounds = 4", "rounds = 6") : BASE;
        return base + switch (kind) {
            case "fedavg" -> """
                    [strategy]
                    type = "fedavg"
                    fraction = 0.5
                    """;
            case "fedavg-topk-ef" -> """
                    [strategy]
                    type = "fedavg"
                    fraction = 0.5
                    [compressor]
                    type = "topk"
                    ratio = 0.05
                    error-feedback = true
                    """;
            case "fedbuff" -> """
                    [strategy]
                    type = "fedbuff"
                    buffer-size = 3
                    max-concurrency = 5
                    [devices]
                    type = "lognormal"
                    preset = "mobile"
                    [network]
                    type = "fleet"
                    preset = "mobile"
                    """;
            case "fedluck" -> """
                    [strategy]
                    type = "fedluck"
                    period = 1.5
                    server-learning-rate = 0.7
                    k-min = 2
                    k-max = 20
                    probe-steps = 5
                    [compressor]
                    type = "topk"
                    ratio = 1.0
                    [devices]
                    type = "lognormal"
                    preset = "mobile"
                    [network]
                    type = "fleet"
                    preset = "mobile"
                    """;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static int dml4j(String... args) {
        PrintStream old = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return Main.execute(args);
        } finally {
            System.setErr(old);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fedavg", "fedavg-topk-ef", "fedbuff", "fedluck"})
    void localSparkRunEqualsTheInProcessRun(String kind, @TempDir Path dir) throws Exception {
        // Prepare
        Path file = dir.resolve(kind + ".toml");
        Files.writeString(file, experiment(kind));
        // Execute
        assertEquals(0, dml4j("run", file.toString(), "--out", dir.resolve("inprocess").toString()));
        assertEquals(0, dml4j("run", file.toString(), "--engine", "spark", "--master", "local[2]", "--out",
                dir.resolve("spark").toString()));
        // Assert: metrics.csv holds no wall-clock column (those are in timing.csv), so the whole file must match
        byte[] inProcess = Files.readAllBytes(dir.resolve("inprocess/metrics.csv"));
        byte[] spark = Files.readAllBytes(dir.resolve("spark/metrics.csv"));
        assertArrayEquals(inProcess, spark, () -> "in process:\n" + new String(inProcess, StandardCharsets.UTF_8)
                + "\nspark:\n" + new String(spark, StandardCharsets.UTF_8));
        for (String same : List.of("clients.csv", "participants.csv", "config.toml", "model.safetensors")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("inprocess").resolve(same)),
                    Files.readAllBytes(dir.resolve("spark").resolve(same)), same);
        }
        List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("spark/metrics.csv"));
        assertEquals(kind.startsWith("fedavg") ? 4 : 6, rows.size());
        double best = rows.stream().mapToDouble(RoundMetrics::testAccuracy).filter(a -> !Double.isNaN(a)).max()
                .orElseThrow();
        assertTrue(best > 0.15, "the model learns (10 classes): best test accuracy " + best);
        if (kind.equals("fedavg-topk-ef")) {
            assertTrue(rows.getFirst().bytesUp() < rows.getFirst().bytesDown(), "Top-k sends less up than down");
        }
    }

    @Test
    void retriedTasksCountOnce(@TempDir Path dir) throws Exception {
        // Prepare: Top-k with error feedback, whose residual would drift if a task's state were applied twice
        Path file = dir.resolve("topk.toml");
        Files.writeString(file, experiment("fedavg-topk-ef"));
        assertEquals(0, dml4j("run", file.toString(), "--out", dir.resolve("inprocess").toString()));
        TrainPartition.FAIL_FIRST_ATTEMPTS.set(6);
        // Execute: local[2,4] lets a failed Spark task be tried again, up to 4 times
        int rc;
        try {
            rc = dml4j("run", file.toString(), "--engine", "spark", "--master", "local[2,4]", "--out",
                    dir.resolve("spark").toString());
        } finally {
            int left = TrainPartition.FAIL_FIRST_ATTEMPTS.getAndSet(0);
            // Assert: every injected failure happened (and was retried)
            assertEquals(0, left, "injected failures not used");
        }
        assertEquals(0, rc);
        assertArrayEquals(Files.readAllBytes(dir.resolve("inprocess/metrics.csv")),
                Files.readAllBytes(dir.resolve("spark/metrics.csv")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("inprocess/clients.csv")),
                Files.readAllBytes(dir.resolve("spark/clients.csv")));
    }

    @Test
    void gossipIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gossip.toml");
        Files.writeString(file, BASE + """
                [gossip]
                mode = "dpsgd"
                graph = "ring"
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            try (SparkEngine engine = new SparkEngine("local[1]", "refusal")) {
                var exp = org.dml4j.cli.Experiment.resolve(org.dml4j.cli.config.ConfigTree.load(file), "gossip");
                engine.simulation(exp, exp.prepare(new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8)));
            }
        });
        assertTrue(e.getMessage().contains("[gossip]") && e.getMessage().contains("--engine inprocess"),
                e.getMessage());
    }

    @Test
    void aMasterThatIsNotSparksIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkEngine.conf("yarn", "x"));
        assertTrue(e.getMessage().contains("'yarn'"), e.getMessage());
    }
}
