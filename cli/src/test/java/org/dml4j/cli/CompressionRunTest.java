package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.fl.RoundMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compressed runs from the command line: data-aware levels, schedules that follow the round, the downlink. */
class CompressionRunTest {
    private static Path write(Path dir, String extra) throws Exception {
        Path file = dir.resolve("digits.toml");
        Files.writeString(file, RunCommandTest.DIGITS.replace("fraction = 0.5", "fraction = 1.0") + extra);
        return file;
    }

    @Test
    void dagcRatiosSumToTheBudgetAndAreDeterministic(@TempDir Path dir) throws Exception {
        Path file = write(dir, """
                [compressor]
                type = "topk"
                ratio = 0.05
                error-feedback = true
                data-aware = "dagc-r"
                """);
        assertEquals(0, RunCommandTest.run("run", file.toString(), "--set", "run.threads=1", "--out",
                dir.resolve("t1").toString()));
        assertEquals(0, RunCommandTest.run("run", file.toString(), "--set", "run.threads=2", "--out",
                dir.resolve("t2").toString()));
        assertArrayEquals(Files.readAllBytes(dir.resolve("t1/metrics.csv")),
                Files.readAllBytes(dir.resolve("t2/metrics.csv")));
        for (RoundMetrics m : MetricsCsv.read(dir.resolve("t1/metrics.csv"))) {
            // six clients at ratios averaging 5%, each rounded up to whole elements
            assertTrue(m.densityUp() >= 0.05 && m.densityUp() < 0.0505, "density " + m.densityUp());
            assertEquals(1.0, m.densityDown());
        }
    }

    @Test
    void gammaFedHtTakesItsRatesFromTheSchedule(@TempDir Path dir) throws Exception {
        Path file = write(dir, """
                [compressor]
                type = "gamma-fedht"
                lambda0 = 0.05
                alpha = 1
                """);
        assertEquals(0, RunCommandTest.run("run", file.toString(), "--set",
                "training.schedule={ type = \"inverse-time\", learning-rate = 0.1, decay = 0.5 }", "--out",
                dir.resolve("g").toString()));
        List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("g/metrics.csv"));
        assertTrue(rows.get(0).densityUp() < 1, "the threshold drops small entries: " + rows.get(0));
    }

    @Test
    void downlinkCompressionIsCountedPerClient(@TempDir Path dir) throws Exception {
        Path file = write(dir, """
                [downlink]
                type = "topk"
                ratio = 0.1
                """);
        assertEquals(0, RunCommandTest.run("run", file.toString(), "--out", dir.resolve("d").toString()));
        for (RoundMetrics m : MetricsCsv.read(dir.resolve("d/metrics.csv"))) {
            assertTrue(m.densityDown() >= 0.1 && m.densityDown() < 0.11, "density down " + m.densityDown());
            assertEquals(1.0, m.densityUp());
            assertTrue(m.bytesDown() < m.bytesUp() / 4, m.toString());
        }
    }

    /** Every registered compressor runs end to end from an experiment file, on the MLP's layer layout. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "topk|ratio = 0.1\\nper-layer = true\\nerror-feedback = true",
        "randk|ratio = 0.1\\nunbiased = true",
        "threshold|threshold = 0.01\\nerror-feedback = true",
        "dgc|ratio = 0.1\\nwarmup-rounds = 1\\nper-layer = true",
        "qsgd|levels = 7",
        "sign|error-feedback = true",
        "terngrad|per-layer = true",
        "terngrad|per-layer = true\\nshared-scaler = true",
        "powersgd|rank = 2\\nerror-feedback = true",
        "powersgd|rank = 2\\nshared-q = true",
        "fp16|error-feedback = false",
        "bf16|error-feedback = false",
        "accordion|compressor = \"topk\"\\nconservative = 0.2\\naggressive = 0.05\\nper-layer = true",
    })
    void everyCompressorRunsFromTheCommandLine(String type, String keys, @TempDir Path dir) throws Exception {
        Path file = write(dir, "[compressor]\ntype = \"" + type + "\"\n" + keys.replace("\\n", "\n") + "\n");
        assertEquals(0, RunCommandTest.run("run", file.toString(), "--set", "run.rounds=2", "--out",
                dir.resolve("r").toString()));
        List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("r/metrics.csv"));
        assertEquals(2, rows.size());
        for (RoundMetrics m : rows) {
            assertEquals(0, m.failed(), type);
            assertTrue(m.bytesUp() < m.bytesDown(), type + " must send less than the dense model: " + m);
            assertTrue(m.testAccuracy() > 0.2, type + " still trains: " + m);
        }
    }
}
