package org.dml4j.cli;

import static org.dml4j.cli.Loopback.freePort;
import static org.dml4j.cli.Loopback.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Task;
import org.dml4j.grpc.GrpcParticipant;
import org.dml4j.grpc.Security;
import org.dml4j.model.Model;
import org.dml4j.sim.FederatedSimulation;
import org.dml4j.sim.SimulationSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Byzantine participants over gRPC on the bundled digits data: a coordinator ({@code dml4j serve}) and 6 in-JVM
 * participants on loopback, 2 of which send well-formed but poisoned updates (their own delta sign-flipped and scaled
 * by 10). The coordinate-wise median, the trimmed mean and multi-Krum end within 2 accuracy points of the clean FedAvg run;
 * plain FedAvg under the same attack does not. And {@code serve --resume} of a robust-fedavg run is bit-identical to
 * the run never interrupted.
 */
class ByzantineDeployTest {
    private static final String BASE = """
            [run]
            name = "byzantine"
            seed = 5
            rounds = 15
            [data]
            dataset = "digits"
            [partition]
            type = "iid"
            clients = 6
            [model]
            type = "mlp"
            hidden = [32]
            [training]
            batch-size = 16
            local-epochs = 1
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.1 }
            """;
    private static final Set<Integer> ATTACKERS = Set.of(1, 4);
    /** Answers with its honest delta times {@code -scale}: well-formed (dense, finite, right size), but poisoned. */
    private record SignFlipping(Participant honest, float scale) implements Participant {
        @Override
        public int id() {
            return honest.id();
        }

        @Override
        public int numSamples() {
            return honest.numSamples();
        }

        @Override
        public Reply run(Task task, Model worker) {
            Reply r = honest.run(task, worker);
            if (!(r instanceof Reply.Ok ok)) {
                return r;
            }
            float[] d = new float[task.model().length];
            ok.update().addTo(d, -scale);
            return new Reply.Ok(ok.participant(), ok.taskId(), ok.baseVersion(), new DenseUpdate(d), ok.numSamples(),
                    ok.trainLoss(), ok.steps(), ok.computeSeconds(), ok.downloadSeconds(), ok.uploadSeconds());
        }
    }

    private static Path tokens(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < 6; p++) {
            sb.append(p).append(" token-").append(p).append('\n');
        }
        Path f = dir.resolve("tokens.txt");
        Files.writeString(f, sb.toString());
        return f;
    }

    /** Starts the 6 participants (the attackers wrapped) on threads, each with its own model. */
    private static List<Future<GrpcParticipant.Result>> participants(ExecutorService pool, SimulationSpec spec,
                                                                     int port, Set<Integer> attackers) {
        List<Future<GrpcParticipant.Result>> out = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            int id = p;
            out.add(pool.submit(() -> {
                try (Model model = spec.models().create()) {
                    Participant client = JoinCommand.client(spec, id, spec.clientData().get(id),
                            JoinCommand.layout(model));
                    Participant who = attackers.contains(id) ? new SignFlipping(client, 10f) : client;
                    GrpcParticipant.Settings s = new GrpcParticipant.Settings("127.0.0.1", port,
                            Security.TlsFiles.none(), null, "token-" + id, 40, 0.2, 60);
                    try (GrpcParticipant g = new GrpcParticipant(s, who, () -> model)) {
                        return g.run();
                    }
                }
            }));
        }
        return out;
    }

    private static ServeCommand serve(Path file, int port, Path tokens, IntConsumer afterCheckpoint) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(file.toString(), "--port", Integer.toString(port), "--tokens",
                tokens.toString(), "--insecure", "--join-timeout", "120", "--resume");
        serve.afterCheckpoint = afterCheckpoint;
        return serve;
    }

    /** Serves the file to 6 participants; returns the final model, the run's rows in {@code out}. */
    private static float[] deploy(Path file, Path out, Set<Integer> attackers) throws Exception {
        Experiment exp = RunCommand.load(file, List.of());
        SimulationSpec spec = exp.prepare(QUIET).spec();
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            Future<float[]> server = pool.submit(() -> serve(file, port, tokens(out.getParent()), v -> { })
                    .run(exp, out, QUIET));
            List<Future<GrpcParticipant.Result>> clients = participants(pool, spec, port, attackers);
            float[] model = server.get(300, TimeUnit.SECONDS);
            for (Future<GrpcParticipant.Result> c : clients) {
                assertEquals("the run is complete", c.get(60, TimeUnit.SECONDS).finished());
            }
            return model;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double accuracy(Path out) {
        List<RoundMetrics> rows = MetricsCsv.read(out.resolve("metrics.csv"));
        assertEquals(15, rows.size());
        return rows.get(rows.size() - 1).testAccuracy();
    }

    private static Path file(Path dir, String name, String strategy) throws Exception {
        Path f = dir.resolve(name + ".toml");
        Files.writeString(f, BASE + "[strategy]\n" + strategy);
        return f;
    }

    @Test
    void robustRulesKeepTheCleanAccuracyUnderSignFlippingAttackersAndFedAvgDoesNot(@TempDir Path dir)
            throws Exception {
        // Prepare
        Path fedavg = file(dir, "fedavg", "type = \"fedavg\"\nfraction = 1.0\n");
        Path median = file(dir, "median", "type = \"robust-fedavg\"\nfraction = 1.0\nrule = \"median\"\n");
        Path trimmed = file(dir, "trimmed", "type = \"robust-fedavg\"\nfraction = 1.0\nrule = \"trimmed-mean\"\n"
                + "trim = 0.34\n");
        Path krum = file(dir, "krum", "type = \"robust-fedavg\"\nfraction = 1.0\nrule = \"multi-krum\"\n"
                + "byzantine = 1\nkrum-m = 4\n");

        // Execute
        deploy(fedavg, dir.resolve("clean"), Set.of());
        double clean = accuracy(dir.resolve("clean"));
        deploy(fedavg, dir.resolve("fedavg-attacked"), ATTACKERS);
        double attacked = accuracy(dir.resolve("fedavg-attacked"));
        double[] robust = new double[3];
        Path[] files = {median, trimmed, krum};
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve(files[i].getFileName().toString().replace(".toml", "-attacked"));
            deploy(files[i], out, ATTACKERS);
            robust[i] = accuracy(out);
        }

        // Assert
        String report = String.format(Locale.ROOT, "clean fedavg %.4f; attacked: fedavg %.4f, median %.4f,"
                + " trimmed-mean %.4f, multi-krum %.4f", clean, attacked, robust[0], robust[1], robust[2]);
        System.out.println("ByzantineDeployTest: " + report);
        assertTrue(clean > 0.85, "the clean run learns the digits: " + report);
        for (double r : robust) {
            assertTrue(r >= clean - 0.02, "a robust rule stays within 2 points of the clean run: " + report);
        }
        assertTrue(attacked < clean - 0.2, "plain FedAvg is ruined by the attack: " + report);
    }

    @Test
    void serveResumesARobustRunBitForBit(@TempDir Path dir) throws Exception {
        // Prepare
        Path file = file(dir, "median", "type = \"robust-fedavg\"\nfraction = 1.0\nrule = \"trimmed-mean\"\n"
                + "trim = 0.2\n");
        Experiment exp = RunCommand.load(file, List.of());
        SimulationSpec spec = exp.prepare(QUIET).spec();
        Path out = dir.resolve("serve");
        Files.createDirectories(out);
        Path tokens = tokens(dir);
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            List<Future<GrpcParticipant.Result>> clients = participants(pool, spec, port, Set.of());

            // Execute: a coordinator that dies after version 3, then the same command again
            ServeCommand first = serve(file, port, tokens, v -> {
                if (v == 3) {
                    throw new IllegalStateException("the coordinator crashes after version 3");
                }
            });
            IllegalStateException crash = assertThrows(IllegalStateException.class, () -> first.run(exp, out,
                    QUIET));
            assertTrue(crash.getMessage().contains("crashes"), crash.getMessage());
            List<RoundMetrics> before = MetricsCsv.read(out.resolve("metrics.csv"));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            float[] resumed = serve(file, port, tokens, v -> { }).run(exp, out, new PrintStream(log, true,
                    StandardCharsets.UTF_8));

            // Assert
            String text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("resuming after version 3"), text);
            List<RoundMetrics> after = MetricsCsv.read(out.resolve("metrics.csv"));
            assertEquals(3, before.size());
            assertEquals(15, after.size());
            assertEquals(before, after.subList(0, 3), "the versions before the crash are kept as they were");
            float[] simulated;
            try (FederatedSimulation sim = new FederatedSimulation(spec)) {
                simulated = sim.run((m, t) -> { }).finalParams();
            }
            assertArrayEquals(simulated, resumed, "bit-identical to the run never interrupted (the simulator's)");
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
