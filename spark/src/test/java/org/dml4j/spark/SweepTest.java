package org.dml4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dml4j.cli.Experiment;
import org.dml4j.cli.ExperimentRunner;
import org.dml4j.cli.Main;
import org.dml4j.cli.config.ConfigTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dml4j sweep --engine spark --master local[2]}: two variants of one experiment as one Spark application, one
 * run folder each, a summary; each variant's metrics equal the in-process run of that variant, byte for byte; runs
 * with the same data distribute it once.
 */
class SweepTest {
    private static final String EXPERIMENT = """
            [run]
            name = "grid"
            seed = 5
            rounds = 3
            threads = 2
            [data]
            dataset = "digits"
            [partition]
            type = "shards"
            clients = 6
            classes-per-client = 3
            [model]
            type = "mlp"
            hidden = [16]
            [training]
            batch-size = 16
            local-epochs = 1
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.05 }
            [strategy]
            type = "fedavg"
            fraction = 0.5
            [compressor]
            type = "topk"
            ratio = 0.1
            error-feedback = true
            """;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static int dml4j(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(QUIET);
        System.setErr(QUIET);
        try {
            return Main.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void eachVariantOfASparkSweepEqualsItsInProcessRun() throws Exception {
        // Prepare
        Path file = dir.resolve("grid.toml");
        Files.writeString(file, EXPERIMENT);
        List<String> ratios = List.of("0.05", "0.2");
        for (String r : ratios) {
            assertEquals(0, dml4j("run", file.toString(), "--set", "compressor.ratio=" + r, "--set",
                    "run.name=\"grid-ratio=" + r + "\"", "--out",
                    dir.resolve("inprocess-" + r).toString()));
        }

        // Execute
        Path sweep = dir.resolve("sweep");
        assertEquals(0, dml4j("sweep", file.toString(), "--vary", "compressor.ratio=" + String.join(",", ratios),
                "--engine", "spark", "--master", "local[2]", "--out", sweep.toString()));

        // Assert
        for (String r : ratios) {
            Path variant = sweep.resolve("grid-ratio=" + r);
            byte[] expected = Files.readAllBytes(dir.resolve("inprocess-" + r).resolve("metrics.csv"));
            assertArrayEquals(expected, Files.readAllBytes(variant.resolve("metrics.csv")),
                    "variant ratio=" + r + " as in process");
            assertArrayEquals(Files.readAllBytes(dir.resolve("inprocess-" + r).resolve("model.safetensors")),
                    Files.readAllBytes(variant.resolve("model.safetensors")), "the same final model");
        }
        String summary = Files.readString(sweep.resolve("summary.md"));
        assertTrue(summary.contains("grid-ratio=0.05") && summary.contains("grid-ratio=0.2"), summary);
        List<String> csv = Files.readAllLines(sweep.resolve("sweep.csv"));
        assertEquals(3, csv.size(), "a header and a row per variant: " + csv);
        assertTrue(csv.get(1).startsWith("grid-ratio=0.05,") && csv.get(1).contains("compressor.ratio=0.05"),
                csv.get(1));
        assertTrue(Files.exists(sweep.resolve("report.html")));
    }

    @Test
    void runsOfOneEngineThatShareDataDistributeItOnce() throws Exception {
        // Prepare: two variants with the same data, one with other clients
        Path file = dir.resolve("grid.toml");
        Files.writeString(file, EXPERIMENT);
        ExperimentRunner.Output quiet = new ExperimentRunner.Output(QUIET, QUIET, false);
        try (SparkEngine engine = new SparkEngine("local[2]", "sharing")) {
            engine.shareData(true);
            // Execute
            engine.run(load(file, "compressor.ratio=0.05"), dir.resolve("a"), quiet, false);
            engine.run(load(file, "training.momentum=0.5"), dir.resolve("b"), quiet, false);
            assertEquals(1, engine.sharedDistributions(), "the second run used the first run's cached shards");
            engine.run(load(file, "partition.clients=4"), dir.resolve("c"), quiet, false);
            // Assert
            assertEquals(2, engine.sharedDistributions(), "other clients, other data");
        }
    }

    private static Experiment load(Path file, String set) {
        ConfigTree tree = ConfigTree.load(file);
        tree.set(set);
        return Experiment.resolve(tree, "grid");
    }
}
