package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's {@code metrics.csv} equals the golden file committed before the runtime was rebuilt around the
 * coordinator/transport seam (issue 10), byte for byte: synchronous FedAvg is the barrier case of the event-driven
 * strategy API and must keep its numbers. Regenerate the golden file only for a change that is meant to alter the
 * numbers, and say so in the commit.
 */
class QuickstartGoldenTest {
    @Test
    void quickstartMetricsEqualTheGoldenFile(@TempDir Path dir) throws Exception {
        // the run finds Fashion-MNIST or fetches it on first use, as `dml4j run` does
        Path config = Path.of("..", "examples", "quickstart.toml");
        Path out = dir.resolve("q");
        assertEquals(0, RunCommandTest.run("run", config.toString(), "--out", out.toString()));
        String golden;
        try (InputStream in = QuickstartGoldenTest.class.getResourceAsStream("/golden/quickstart-metrics.csv")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, Files.readString(out.resolve("metrics.csv")));
    }
}
