package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduling and planning commands are reachable from {@code dml4j} and write what they promise. */
class ToolCommandsTest {
    @TempDir
    Path dir;

    @Test
    void scheduleWritesTheGanttChartsAndTable() throws IOException {
        Path out = dir.resolve("schedule");
        assertEquals(0, Main.execute("schedule", "--stages", "4", "--microbatches", "8", "--f", "1", "--b", "1",
                "--w", "1", "--out", out.toString()));
        String csv = Files.readString(out.resolve("schedules.csv"));
        assertTrue(csv.contains("1f1b") && csv.contains("zb-v") && csv.contains("adaptive"), csv);
        assertTrue(Files.readString(out.resolve("schedules.html")).contains("<svg"));
    }

    @Test
    void badScheduleInputWritesNothing() {
        Path out = dir.resolve("bad");
        assertEquals(2, Main.execute("schedule", "--stages", "4", "--microbatches", "0", "--f", "1", "--b", "1",
                "--w", "1", "--out", out.toString()));
        assertFalse(Files.exists(out));
    }

    @Test
    void expertsComparesPlacementsOnASyntheticTrace() throws IOException {
        Path out = dir.resolve("experts");
        assertEquals(0, Main.execute("experts", "--zipf", "1.2", "--experts", "64", "--gpus", "16", "--out",
                out.toString()));
        assertTrue(Files.exists(out.resolve("trace.csv")));
        assertTrue(Files.readString(out.resolve("experts.html")).contains("<svg"));
    }

    @Test
    void planExportsALaunchableConfiguration() throws IOException {
        Path out = dir.resolve("plan");
        assertEquals(0, Main.execute("plan", "--model", "megatron-1.7b", "--cluster", "dgx-a100:4",
                "--global-batch", "512", "--top", "3", "--export", "megatron,deepspeed", "--out", out.toString()));
        String args = Files.readString(out.resolve("megatron-args.sh"));
        assertTrue(args.contains("--tensor-model-parallel-size") && args.contains("--pipeline-model-parallel-size"),
                args);
        assertTrue(Files.readString(out.resolve("deepspeed-config.json")).contains("train_batch_size"));
        assertTrue(Files.exists(out.resolve("plans.json")));
    }

    @Test
    void unknownModelPresetIsAClearError() {
        assertEquals(2, Main.execute("plan", "--model", "gpt-9", "--cluster", "dgx-a100:1", "--global-batch", "8",
                "--out", dir.resolve("none").toString()));
        assertFalse(Files.exists(dir.resolve("none")));
    }
}
