package org.dml4j.cli;

import static org.dml4j.cli.Loopback.freePort;
import static org.dml4j.cli.Loopback.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.grpc.GrpcParticipant;
import org.dml4j.sim.FederatedSimulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dml4j certs}, {@code serve} and {@code join} end to end on loopback: a coordinator and 3 participants on
 * threads, mutual TLS and tokens, the bundled digits data. Synchronous FedAvg gives the simulator's final model;
 * FedBuff runs to the end; a coordinator crashed after version 2 and resumed from its checkpoint ends with the model of
 * a run never interrupted, bit for bit.
 */
class DeployTest {
    private static final String BASE = """
            [run]
            name = "deploy"
            seed = 7
            rounds = 3
            [data]
            dataset = "digits"
            [partition]
            type = "dirichlet"
            clients = 3
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

    private static ServeCommand serve(Path file, int port, Path certs, String... more) {
        ServeCommand serve = new ServeCommand();
        List<String> args = new ArrayList<>(List.of(file.toString(), "--port", Integer.toString(port), "--tokens",
                certs.resolve("tokens.txt").toString(), "--cert", certs.resolve("server.pem").toString(), "--key",
                certs.resolve("server.key").toString(), "--client-ca", certs.resolve("ca.pem").toString(),
                "--join-timeout", "120"));
        args.addAll(List.of(more));
        new CommandLine(serve).parseArgs(args.toArray(String[]::new));
        return serve;
    }

    private static List<Future<GrpcParticipant.Result>> join(ExecutorService pool, Path file, int port, Path certs) {
        List<Future<GrpcParticipant.Result>> clients = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            JoinCommand join = new JoinCommand();
            new CommandLine(join).parseArgs("--server", "127.0.0.1:" + port, "--config", file.toString(),
                    "--client-id", Integer.toString(p), "--token-file",
                    certs.resolve("token-" + p + ".txt").toString(), "--ca", certs.resolve("ca.pem").toString(),
                    "--cert", certs.resolve("client-" + p + ".pem").toString(), "--key",
                    certs.resolve("client-" + p + ".key").toString(), "--authority", "localhost");
            clients.add(pool.submit(() -> join.run(QUIET)));
        }
        return clients;
    }

    private static float[] deploy(Path file, Path dir, Path certs) throws Exception {
        int port = freePort();
        ServeCommand serve = serve(file, port, certs);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<float[]> server = pool.submit(() -> serve.run(RunCommand.load(file, List.of()), dir, QUIET));
            List<Future<GrpcParticipant.Result>> clients = join(pool, file, port, certs);
            float[] model = server.get(300, TimeUnit.SECONDS);
            for (Future<GrpcParticipant.Result> c : clients) {
                assertEquals("the run is complete", c.get(60, TimeUnit.SECONDS).finished());
            }
            return model;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fedAvgAcrossGrpcGivesTheSimulatorsModelAndFedBuffRuns(@TempDir Path dir) throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(0, RunCommandTest.run("certs", "--out", certs.toString(), "--participants", "3"));
        assertTrue(Files.readString(certs.resolve("tokens.txt")).lines().filter(l -> !l.startsWith("#")).count() == 3);

        Path fedavg = dir.resolve("fedavg.toml");
        Files.writeString(fedavg, BASE + "[strategy]\ntype = \"fedavg\"\nfraction = 1.0\n");
        float[] remote = deploy(fedavg, dir.resolve("serve-fedavg"), certs);
        float[] simulated;
        try (FederatedSimulation sim = new FederatedSimulation(RunCommand.load(fedavg, List.of()).prepare(QUIET)
                .spec())) {
            simulated = sim.run((m, t) -> { }).finalParams();
        }
        assertArrayEquals(simulated, remote, 1e-6f, "same seed, same split, same tasks: the simulator's model");
        assertEquals(3, MetricsCsv.read(dir.resolve("serve-fedavg/metrics.csv")).size());
        assertTrue(Files.readString(dir.resolve("serve-fedavg/events.jsonl")).contains("\"e\":\"commit\""));

        Path fedbuff = dir.resolve("fedbuff.toml");
        Files.writeString(fedbuff, BASE.replace("rounds = 3", "rounds = 4")
                + "[strategy]\ntype = \"fedbuff\"\nbuffer-size = 2\nmax-concurrency = 3\n");
        deploy(fedbuff, dir.resolve("serve-fedbuff"), certs);
        assertEquals(4, MetricsCsv.read(dir.resolve("serve-fedbuff/metrics.csv")).size());
    }

    @Test
    void aCoordinatorRestartedFromItsCheckpointLosesNoCompletedVersion(@TempDir Path dir) throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(0, RunCommandTest.run("certs", "--out", certs.toString(), "--participants", "3"));
        Path file = dir.resolve("fedavg.toml");
        Files.writeString(file, BASE.replace("rounds = 3", "rounds = 4")
                + "[strategy]\ntype = \"fedavg\"\nfraction = 1.0\n");
        Path out = dir.resolve("serve");
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<GrpcParticipant.Result>> clients = join(pool, file, port, certs);
            ServeCommand first = serve(file, port, certs, "--resume");
            first.afterCheckpoint = v -> {
                if (v == 2) {
                    throw new IllegalStateException("the coordinator crashes after version 2");
                }
            };
            IllegalStateException crash = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> first.run(RunCommand.load(file, List.of()), out, QUIET));
            assertTrue(crash.getMessage().contains("crashes"), crash.getMessage());
            List<org.dml4j.fl.RoundMetrics> before = MetricsCsv.read(out.resolve("metrics.csv"));
            assertEquals(2, before.size());
            assertTrue(Files.exists(out.resolve(ServeCommand.CHECKPOINT)));

            ServeCommand second = serve(file, port, certs, "--resume");
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            float[] model = second.run(RunCommand.load(file, List.of()), out, new PrintStream(log, true,
                    StandardCharsets.UTF_8));
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("resuming after version 2"), log.toString(
                    StandardCharsets.UTF_8));
            List<org.dml4j.fl.RoundMetrics> after = MetricsCsv.read(out.resolve("metrics.csv"));
            assertEquals(4, after.size(), "versions 1-2 from before the crash, 3-4 after it");
            for (int i = 0; i < 2; i++) {
                assertEquals(before.get(i), after.get(i), "version " + (i + 1) + " is kept as it was");
            }
            assertEquals(List.of(1, 2, 3, 4), after.stream().map(org.dml4j.fl.RoundMetrics::round).toList());
            assertArrayEquals(model, ServeCommand.readModel(out.resolve("model.safetensors"), model.length));
            // restored from its checkpoint, the coordinator made the same tasks with the same seeds: the
            // uninterrupted run's model, bit for bit (the simulator's, which the first test shows gRPC gives)
            float[] simulated;
            try (FederatedSimulation sim = new FederatedSimulation(RunCommand.load(file, List.of()).prepare(QUIET)
                    .spec())) {
                simulated = sim.run((m, t) -> { }).finalParams();
            }
            assertArrayEquals(simulated, model, "bit-identical resume");
            for (Future<GrpcParticipant.Result> c : clients) {
                GrpcParticipant.Result r = c.get(120, TimeUnit.SECONDS);
                assertEquals("the run is complete", r.finished());
                assertTrue(r.reconnects() >= 1, "every participant rejoined the restarted coordinator");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
