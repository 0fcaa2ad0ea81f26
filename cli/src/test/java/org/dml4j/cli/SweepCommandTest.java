package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dml4j sweep}: the grid of files and {@code --vary} values, the variants' names, and an in-process sweep whose
 * variants equal the runs of the same settings.
 */
class SweepCommandTest {
    private static final String DIGITS = """
            [run]
            name = "tiny"
            seed = 3
            rounds = 2
            threads = 2
            [data]
            dataset = "digits"
            [partition]
            type = "shards"
            clients = 4
            classes-per-client = 3
            [model]
            type = "mlp"
            hidden = [8]
            [training]
            batch-size = 16
            local-epochs = 1
            schedule = { type = "constant", learning-rate = 0.05 }
            [strategy]
            type = "fedavg"
            fraction = 0.5
            """;

    @Test
    void varyGivesEveryCombinationAndSplitsOnlyTopLevelCommas() {
        // Execute
        List<List<String>> axes = SweepCommand.axes(List.of("model.hidden=[16,8],[32]", "run.seed=1,2"));
        List<List<String>> grid = SweepCommand.combinations(axes);
        // Assert
        assertEquals(List.of(List.of("model.hidden=[16,8]", "run.seed=1"), List.of("model.hidden=[16,8]",
                "run.seed=2"), List.of("model.hidden=[32]", "run.seed=1"), List.of("model.hidden=[32]",
                "run.seed=2")), grid);
        assertEquals("tiny-hidden=_16_8_-seed=1", SweepCommand.variantName("tiny", grid.get(0)));
        assertEquals(List.of(List.of()), SweepCommand.combinations(List.of()), "no --vary: the files as they are");
    }

    @Test
    void badVaryOptionsNameTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepCommand.axes(List.of("run.seed")))
                .getMessage().contains("'run.seed'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepCommand.axes(List.of("run.seed=1,")))
                .getMessage().contains("run.seed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepCommand.axes(List.of("run.seed=1",
                "run.seed=2"))).getMessage().contains("twice"));
    }

    @Test
    void anInProcessSweepGivesEachVariantsOwnRun(@TempDir Path dir) throws Exception {
        // Prepare
        Path file = dir.resolve("tiny.toml");
        Files.writeString(file, DIGITS);
        assertEquals(0, RunCommandTest.run("run", file.toString(), "--set", "run.seed=4", "--set",
                "run.name=\"tiny-seed=4\"", "--out", dir.resolve("alone").toString()));
        // Execute
        assertEquals(0, RunCommandTest.run("sweep", file.toString(), "--vary", "run.seed=3,4", "--out",
                dir.resolve("sweep").toString()));
        // Assert
        assertArrayEquals(Files.readAllBytes(dir.resolve("alone/metrics.csv")),
                Files.readAllBytes(dir.resolve("sweep/tiny-seed=4/metrics.csv")));
        assertTrue(Files.exists(dir.resolve("sweep/tiny-seed=3/metrics.csv")));
        List<String> csv = Files.readAllLines(dir.resolve("sweep/sweep.csv"));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(Files.readString(dir.resolve("sweep/summary.md")).contains("tiny-seed=3"));
    }
}
