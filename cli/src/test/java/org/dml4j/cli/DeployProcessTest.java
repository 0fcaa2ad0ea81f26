package org.dml4j.cli;

import static org.dml4j.cli.Loopback.freePort;
import static org.dml4j.cli.Loopback.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.checkpoint.CheckpointFile;
import org.dml4j.sim.FederatedSimulation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dml4j serve} and four {@code dml4j join} as separate JVMs on loopback, with mutual TLS and tokens, on the
 * bundled digits data: synchronous FedAvg gives the simulator's final model and FedBuff runs; participants killed
 * with SIGKILL in the middle of a round and a coordinator killed with SIGKILL and restarted with {@code --resume}
 * lose no recorded round.
 */
class DeployProcessTest {
    private static final int PARTICIPANTS = 4;
    private static final String BASE = """
            [run]
            name = "processes"
            seed = 11
            rounds = 3
            [data]
            dataset = "digits"
            [partition]
            type = "dirichlet"
            clients = 4
            alpha = 0.5
            min-size = 5
            [model]
            type = "mlp"
            hidden = [16]
            [training]
            batch-size = 16
            local-epochs = 1
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.05 }
            """;
    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    /** Starts {@code dml4j ARGS} in a JVM of its own, its output in {@code logs/NAME.log}. */
    private Process dml4j(String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        Path log = dir.resolve("logs").resolve(name + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve("logs").resolve(name + ".log"));
    }

    private Process serve(String name, Path file, int port, Path out, String... more) throws IOException {
        Path certs = dir.resolve("certs");
        List<String> args = new ArrayList<>(List.of("serve", file.toString(), "--port", Integer.toString(port),
                "--tokens", certs.resolve("tokens.txt").toString(), "--cert", certs.resolve("server.pem").toString(),
                "--key", certs.resolve("server.key").toString(), "--client-ca", certs.resolve("ca.pem").toString(),
                "--join-timeout", "180", "--out", out.toString()));
        args.addAll(List.of(more));
        return dml4j(name, args);
    }

    private Process join(String name, Path file, int port, int id) throws IOException {
        Path certs = dir.resolve("certs");
        return dml4j(name, List.of("join", "--server", "127.0.0.1:" + port, "--config", file.toString(),
                "--client-id", Integer.toString(id), "--token-file", certs.resolve("token-" + id + ".txt").toString(),
                "--ca", certs.resolve("ca.pem").toString(), "--cert", certs.resolve("client-" + id + ".pem")
                        .toString(), "--key", certs.resolve("client-" + id + ".key").toString(), "--authority",
                "localhost", "--max-reconnects", "60"));
    }

    private void certs() {
        assertEquals(0, RunCommandTest.run("certs", "--out", dir.resolve("certs").toString(), "--participants",
                Integer.toString(PARTICIPANTS)));
    }

    private static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private void assertExits(String name, Process p, long seconds) throws Exception {
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), name + " did not end; its log:\n" + log(name));
        assertEquals(0, p.exitValue(), name + " failed; its log:\n" + log(name));
    }

    /** Runs a coordinator and four participants, each its own JVM; returns the coordinator's output folder. */
    private Path deploy(String name, Path file) throws Exception {
        int port = freePort();
        Path out = dir.resolve(name);
        Process server = serve(name + "-serve", file, port, out);
        List<Process> joins = new ArrayList<>();
        for (int p = 0; p < PARTICIPANTS; p++) {
            joins.add(join(name + "-join-" + p, file, port, p));
        }
        assertExits(name + "-serve", server, 300);
        for (int p = 0; p < PARTICIPANTS; p++) {
            assertExits(name + "-join-" + p, joins.get(p), 60);
            assertTrue(log(name + "-join-" + p).contains("the run is complete"), log(name + "-join-" + p));
        }
        return out;
    }

    @Test
    void fedAvgAcrossFourParticipantJvmsGivesTheSimulatorsModelAndFedBuffRuns() throws Exception {
        certs();
        Path fedavg = dir.resolve("fedavg.toml");
        Files.writeString(fedavg, BASE + "[strategy]\ntype = \"fedavg\"\nfraction = 1.0\n");
        Path out = deploy("fedavg", fedavg);
        float[] simulated;
        try (FederatedSimulation sim = new FederatedSimulation(RunCommand.load(fedavg, List.of()).prepare(QUIET)
                .spec())) {
            simulated = sim.run((m, t) -> { }).finalParams();
        }
        assertEquals(2, CheckpointFile.read(out.resolve(ServeCommand.CHECKPOINT)).getInt("version"),
                "the last checkpoint is taken after the version before the last");
        assertArrayEquals(simulated, ServeCommand.readModel(out.resolve("model.safetensors"), simulated.length),
                1e-6f, "same seed, same split, same tasks: the simulator's model");
        assertEquals(3, MetricsCsv.read(out.resolve("metrics.csv")).size());

        Path fedbuff = dir.resolve("fedbuff.toml");
        Files.writeString(fedbuff, BASE.replace("rounds = 3", "rounds = 4")
                + "[strategy]\ntype = \"fedbuff\"\nbuffer-size = 2\nmax-concurrency = 4\n");
        assertEquals(4, MetricsCsv.read(deploy("fedbuff", fedbuff).resolve("metrics.csv")).size());
    }

    private static long lines(Path file, String... parts) {
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            return Files.readAllLines(file).stream().filter(l -> List.of(parts).stream().allMatch(l::contains))
                    .count();
        } catch (IOException e) {
            return 0; // being written
        }
    }

    private static int rows(Path metrics) {
        try {
            return Files.exists(metrics) ? Math.max(0, Files.readAllLines(metrics).size() - 1) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void participantsAndTheCoordinatorKilledWithSigkillLoseNoRecordedRound() throws Exception {
        certs();
        Path file = dir.resolve("faults.toml");
        // rounds long enough to be killed in (40 local epochs), every round needs all four updates (min-updates 4):
        // a round that loses participants is repeated once they are back
        Files.writeString(file, BASE.replace("rounds = 3", "rounds = 6").replace("local-epochs = 1",
                "local-epochs = 40") + "[strategy]\ntype = \"fedavg\"\nfraction = 1.0\nmin-updates = 4\n"
                + "round-retries = 20\n");
        int port = freePort();
        Path out = dir.resolve("faults");
        Path events = out.resolve("events.jsonl");
        Path metrics = out.resolve("metrics.csv");
        int metricsPort = freePort();
        Process server = serve("serve-1", file, port, out, "--resume", "--metrics-port",
                Integer.toString(metricsPort));
        List<Process> joins = new ArrayList<>();
        for (int p = 0; p < PARTICIPANTS; p++) {
            joins.add(join("join-" + p, file, port, p));
        }
        // participants 1 and 2 are killed as soon as the tasks of round 3 are out
        await("round 3's tasks", 240, () -> lines(events, "\"e\":\"dispatch\"", "\"version\":2,") >= PARTICIPANTS);
        joins.get(1).destroyForcibly();
        joins.get(2).destroyForcibly();
        assertTrue(joins.get(1).waitFor(30, TimeUnit.SECONDS) && joins.get(2).waitFor(30, TimeUnit.SECONDS));
        await("the coordinator to drop them", 60, () -> lines(events, "\"e\":\"lost\"", "\"p\":1,") >= 1
                && lines(events, "\"e\":\"lost\"", "\"p\":2,") >= 1);
        assertTrue(Files.readAllLines(events).stream().anyMatch(l -> l.contains("\"e\":\"lost\"")
                && !l.contains("\"task\":-1,") && (l.contains("\"p\":1,") || l.contains("\"p\":2,"))),
                "at least one was killed in the middle of its task");
        assertTrue(server.isAlive(), "the coordinator stays up");
        // its Prometheus endpoint counts the broken streams and shows the pool
        String text = scrape(metricsPort);
        assertEquals(PARTICIPANTS, sample(text, "dml4j_participants"), text);
        assertTrue(sample(text, "dml4j_disconnects_total") >= 2, text);
        assertTrue(sample(text, "dml4j_rounds_total") >= 2, text);
        assertTrue(sample(text, "dml4j_updates_accepted_total") >= 2 * PARTICIPANTS, text);
        assertTrue(sample(text, "dml4j_bytes_total{direction=\"up\"}") > 0, text);
        assertTrue(sample(text, "dml4j_round_duration_seconds_count") >= 2, text);
        // they come back as new processes with the same ids
        joins.set(1, join("join-1-again", file, port, 1));
        joins.set(2, join("join-2-again", file, port, 2));

        // the coordinator is killed once 4 rounds are recorded, and restarted from its checkpoint
        await("4 recorded rounds", 300, () -> rows(metrics) >= 4);
        server.destroyForcibly();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        List<RoundMetrics> before = MetricsCsv.read(metrics);
        int atCrash = CheckpointFile.read(out.resolve(ServeCommand.CHECKPOINT)).getInt("version");
        // a row is written before its checkpoint: at most the last row was not checkpointed yet (it is redone)
        assertTrue(before.size() >= 4 && atCrash >= before.size() - 1, "checkpoint at version " + atCrash + ", "
                + before.size() + " rows");
        Process again = serve("serve-2", file, port, out, "--resume");
        assertExits("serve-2", again, 300);
        assertTrue(log("serve-2").contains("resuming after version " + atCrash), log("serve-2"));
        for (int p = 0; p < PARTICIPANTS; p++) {
            String name = p == 1 || p == 2 ? "join-" + p + "-again" : "join-" + p;
            assertExits(name, joins.get(p), 120);
            assertTrue(log(name).contains("the run is complete"), log(name));
        }
        List<RoundMetrics> after = MetricsCsv.read(metrics);
        assertEquals(List.of(1, 2, 3, 4, 5, 6), after.stream().map(RoundMetrics::round).toList());
        for (int i = 0; i < atCrash; i++) {
            assertEquals(before.get(i), after.get(i), "round " + (i + 1) + " is kept as it was recorded");
        }
        assertTrue(after.get(2).failed() >= 1, "round 3 counts the killed participants' tasks");
        for (RoundMetrics m : after) {
            assertTrue(m.clients() >= PARTICIPANTS, "every version averaged all four: " + m);
        }
        assertEquals(5, CheckpointFile.read(out.resolve(ServeCommand.CHECKPOINT)).getInt("version"));
        assertEquals(modelSize(file), ServeCommand.readModel(out.resolve("model.safetensors"), modelSize(file))
                .length);
    }

    private static String scrape(int port) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static double sample(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1).trim().split(" ")[0])).findFirst().orElseThrow(() ->
                new AssertionError("no sample " + name + " in\n" + text));
    }

    private static int modelSize(Path file) {
        try (var model = RunCommand.load(file, List.of()).prepare(QUIET).spec().models().create()) {
            return model.numParams();
        }
    }
}
