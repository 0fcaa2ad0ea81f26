package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.checkpoint.CheckpointFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoint and resume: a run killed with SIGKILL after a checkpoint and resumed with {@code --resume} ends with
 * files byte for byte equal to an uninterrupted run's; finished runs and runs without a checkpoint are refused.
 */
class ResumeTest {
    private static final int ROUNDS = 40;

    @TempDir
    Path tmp;

    /** What one in-process command printed on stderr. */
    private record Printed(int status, String err) {
    }

    private static Printed execute(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Printed(Main.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    /**
     * @param kind {@code fedavg-randk}: FedAvg with Rand-k and error feedback (residuals and generator positions
     *             in the clients' compressors); {@code fedbuff-devices}: FedBuff over a mobile device model with
     *             dropouts (tasks in flight and replies buffered at every checkpoint)
     */
    private Path config(String kind, int every) throws Exception {
        String base = RunCommandTest.DIGITS.replace("rounds = 4", "rounds = " + ROUNDS + "\ncheckpoint-every = "
                + every);
        base = base.substring(0, base.indexOf("[strategy]"));
        String rest = switch (kind) {
            case "fedavg-randk" -> """
                    [strategy]
                    type = "fedavg"
                    fraction = 0.5
                    [compressor]
                    type = "randk"
                    ratio = 0.2
                    error-feedback = true
                    """;
            case "fedbuff-devices" -> """
                    [strategy]
                    type = "fedbuff"
                    buffer-size = 2
                    max-concurrency = 4
                    [devices]
                    type = "lognormal"
                    preset = "mobile"
                    dropout = 0.1
                    """;
            default -> throw new IllegalArgumentException(kind);
        };
        Path f = tmp.resolve(kind + ".toml");
        Files.writeString(f, base + rest);
        return f;
    }

    private static long rows(Path csv) throws Exception {
        return Files.exists(csv) ? Files.readAllLines(csv).size() - 1 : 0;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fedavg-randk", "fedbuff-devices"})
    void aRunKilledAfterACheckpointResumesToTheSameBytes(String kind) throws Exception {
        // Prepare: the same experiment uninterrupted, and in its own JVM, killed with SIGKILL mid-way
        Path file = config(kind, 3);
        Path whole = tmp.resolve("whole");
        Printed w = execute("run", file.toString(), "--out", whole.toString());
        assertEquals(0, w.status(), w.err());
        assertFalse(Files.exists(whole.resolve(RunFolder.CHECKPOINT)), "a completed run keeps no checkpoint");
        Path killed = tmp.resolve("killed");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", file.toString(), "--out",
                killed.toString()).redirectOutput(tmp.resolve("stdout").toFile())
                .redirectError(tmp.resolve("stderr").toFile()).start();
        Path ckpt = killed.resolve(RunFolder.CHECKPOINT);
        while (p.isAlive() && !(Files.exists(ckpt) && rows(killed.resolve("metrics.csv")) >= 8)) {
            Thread.sleep(10);
        }
        assertTrue(p.isAlive(), "the run must still be going when it is killed: " + Files.readString(tmp.resolve(
                "stderr")));
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no final files
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("running", new ObjectMapper().readTree(killed.resolve("run-manifest.json").toFile())
                .path("status").asText(), "a killed run's manifest still says running");
        Snapshot s = CheckpointFile.read(ckpt);
        int at = s.under("coordinator").getInt("version");
        assertTrue(at >= 3 && at < ROUNDS, "checkpoint after round " + at);

        // Execute
        Printed r = execute("run", "--resume", killed.toString());

        // Assert: every deterministic file as the uninterrupted run's, to the byte
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("resuming after round " + at), r.err());
        for (String f : List.of("metrics.csv", "clients.csv", "events.jsonl", "participants.csv", "staleness.csv",
                "model.safetensors")) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(killed.resolve(f)), f);
        }
        assertEquals(ROUNDS + 1, Files.readAllLines(killed.resolve("timing.csv")).size(), "one timing row a round");
        assertEquals("completed", new ObjectMapper().readTree(killed.resolve("run-manifest.json").toFile())
                .path("status").asText());
        assertFalse(Files.exists(ckpt));
        Printed again = execute("run", "--resume", killed.toString());
        assertEquals(2, again.status());
        assertTrue(again.err().contains("has finished (status completed); nothing to resume"), again.err());
    }

    @Test
    void clientsCsvHasARowPerClientTaskThatSumsToTheRoundsBytes() throws Exception {
        // Execute: FedAvg samples 3 of 6 clients a round
        Path dir = tmp.resolve("c");
        Printed p = execute("run", config("fedavg-randk", 0).toString(), "--set", "run.rounds=5", "--out",
                dir.toString());

        // Assert
        assertEquals(0, p.status(), p.err());
        List<String> lines = Files.readAllLines(dir.resolve("clients.csv"));
        assertEquals("round,client,task,base_version,status,samples,steps,train_loss,elements_up,bytes_up,level",
                lines.get(0));
        assertEquals(1 + 5 * 3, lines.size(), "three clients a round for five rounds");
        List<String> metrics = Files.readAllLines(dir.resolve("metrics.csv"));
        for (int round = 1; round <= 5; round++) {
            long sum = 0;
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.split(",");
                if (Integer.parseInt(f[0]) == round) {
                    assertEquals("ok", f[4]);
                    assertEquals(round - 1, Integer.parseInt(f[3]), "a synchronous round starts from the last model");
                    assertTrue(Double.parseDouble(f[7]) > 0, "a training loss");
                    sum += Long.parseLong(f[9]);
                }
            }
            assertEquals(Long.parseLong(metrics.get(round).split(",")[8]), sum, "round " + round + ": bytes_up");
        }
        assertFalse(Files.exists(dir.resolve(RunFolder.CHECKPOINT)), "checkpoint-every = 0 writes none");
    }

    @Test
    void resumeRefusesFoldersWithoutACheckpointAndASecondRunNamesBothWays() throws Exception {
        // Prepare: a completed run, and one that never checkpointed (its manifest made to say running, as if killed)
        Path file = config("fedavg-randk", 0);
        Path dir = tmp.resolve("d");
        assertEquals(0, execute("run", file.toString(), "--set", "run.rounds=2", "--out", dir.toString()).status());
        Path m = dir.resolve("run-manifest.json");

        // Execute
        Printed second = execute("run", file.toString(), "--set", "run.rounds=2", "--out", dir.toString());
        Files.writeString(m, Files.readString(m).replace("\"status\": \"completed\"", "\"status\": \"running\""));
        Printed none = execute("run", "--resume", dir.toString());
        Printed both = execute("run", file.toString(), "--resume", dir.toString());
        Printed empty = execute("run", "--resume", tmp.resolve("nothing").toString());

        // Assert
        assertEquals(2, second.status());
        assertTrue(second.err().contains("pass --force to replace it, --resume " + dir), second.err());
        assertEquals(2, none.status());
        assertTrue(none.err().contains("left no checkpoint (checkpoint.safetensors)"), none.err());
        assertEquals(2, both.status());
        assertTrue(both.err().contains("give no FILE, --set, --out or --force with it"), both.err());
        assertEquals(2, empty.status());
        assertTrue(empty.err().contains("holds no dml4j run"), empty.err());
    }
}
