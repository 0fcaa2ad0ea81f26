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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
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
 * Issue 12's Byzantine test, over gRPC on the bundled digits data: a coordinator ({@code dml4j serve}) and 10 in-JVM
 * participants on loopback (IID partition, 15 rounds of FedAvg with every participant each round), 2 of which (ids 1
 * and 6) send well-formed but poisoned updates: dense, finite and of the right size, so they pass the coordinator's
 * validation. Two attacks, each in its own set of runs: <em>sign-flipped</em>, the attacker's honest delta times −10,
 * and <em>scaled</em>, the honest delta times +10. Under each attack the coordinate-wise median and the trimmed mean
 * ({@code trim = 0.2}: {@code floor(0.2 · 10) = 2} values dropped at each end; Yin et al., "Byzantine-Robust
 * Distributed Learning: Towards Optimal Statistical Rates", ICML 2018), Krum (one update selected,
 * {@code byzantine = 2}) and multi-Krum ({@code byzantine = 2}, {@code krum-m = 8 = n − f}; Blanchard et al., "Machine
 * Learning with Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017) each end within 2 test-accuracy points
 * of the clean FedAvg run, while plain FedAvg under the same attack ends more than 20 points below it; the clean run
 * itself must pass 85%. And {@code serve --resume} of a robust-fedavg run (trimmed mean, 10 honest participants, a
 * coordinator crash after version 3) is bit-identical to the run never interrupted (the simulator's).
 */
class ByzantineDeployTest {
    private static final int PARTICIPANTS = 10;
    private static final int ROUNDS = 15;
    private static final String BASE = """
            [run]
            name = "byzantine"
            seed = 5
            rounds = %d
            [data]
            dataset = "digits"
            [partition]
            type = "iid"
            clients = %d
            [model]
            type = "mlp"
            hidden = [32]
            [training]
            batch-size = 16
            local-epochs = 1
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.1 }
            """.formatted(ROUNDS, PARTICIPANTS);
    /** The 2 of the 10 participants that attack. */
    private static final Set<Integer> ATTACKERS = Set.of(1, 6);
    /** The sign-flipping attackers' factor on their honest delta. */
    private static final float FLIP = -10f;
    /** The scaling attackers' factor on their honest delta. */
    private static final float SCALE = 10f;

    /** Answers with its honest delta times {@code factor}: well-formed (dense, finite, right size), but poisoned. */
    private record Poisoning(Participant honest, float factor) implements Participant {
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
            ok.update().addTo(d, factor);
            return new Reply.Ok(ok.participant(), ok.taskId(), ok.baseVersion(), new DenseUpdate(d), ok.numSamples(),
                    ok.trainLoss(), ok.steps(), ok.computeSeconds(), ok.downloadSeconds(), ok.uploadSeconds());
        }
    }

    private static Path tokens(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < PARTICIPANTS; p++) {
            sb.append(p).append(" token-").append(p).append('\n');
        }
        Path f = dir.resolve("tokens.txt");
        Files.writeString(f, sb.toString());
        return f;
    }

    /**
     * Starts the participants on threads, each with its own model; those in {@code attackers} multiply their honest
     * delta by {@code factor}.
     */
    private static List<Future<GrpcParticipant.Result>> participants(ExecutorService pool, SimulationSpec spec,
                                                                     int port, Set<Integer> attackers, float factor) {
        List<Future<GrpcParticipant.Result>> out = new ArrayList<>();
        for (int p = 0; p < PARTICIPANTS; p++) {
            int id = p;
            out.add(pool.submit(() -> {
                try (Model model = spec.models().create()) {
                    Participant client = JoinCommand.client(spec, id, spec.clientData().get(id),
                            JoinCommand.layout(model));
                    Participant who = attackers.contains(id) ? new Poisoning(client, factor) : client;
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

    /** Serves the file to the participants; returns the final model, the run's rows in {@code out}. */
    private static float[] deploy(Path file, Path out, Set<Integer> attackers, float factor) throws Exception {
        Experiment exp = RunCommand.load(file, List.of());
        SimulationSpec spec = exp.prepare(QUIET).spec();
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(PARTICIPANTS + 1);
        try {
            Future<float[]> server = pool.submit(() -> serve(file, port, tokens(out.getParent()), v -> { })
                    .run(exp, out, QUIET));
            List<Future<GrpcParticipant.Result>> clients = participants(pool, spec, port, attackers, factor);
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
        assertEquals(ROUNDS, rows.size());
        return rows.get(rows.size() - 1).testAccuracy();
    }

    private static Path file(Path dir, String name, String strategy) throws Exception {
        Path f = dir.resolve(name + ".toml");
        Files.writeString(f, BASE + "[strategy]\n" + strategy);
        return f;
    }

    @Test
    void robustRulesKeepTheCleanAccuracyUnderSignFlippingAndScalingAttackersAndFedAvgDoesNot(@TempDir Path dir)
            throws Exception {
        // Prepare
        Path fedavg = file(dir, "fedavg", "type = \"fedavg\"\nfraction = 1.0\n");
        String robust = "type = \"robust-fedavg\"\nfraction = 1.0\n";
        List<Path> rules = List.of(
                file(dir, "median", robust + "rule = \"median\"\n"),
                file(dir, "trimmed-mean", robust + "rule = \"trimmed-mean\"\ntrim = 0.2\n"),
                file(dir, "krum", robust + "rule = \"krum\"\nbyzantine = 2\n"),
                file(dir, "multi-krum", robust + "rule = \"multi-krum\"\nbyzantine = 2\nkrum-m = 8\n"));
        Map<String, Float> attacks = new LinkedHashMap<>();
        attacks.put("sign-flipped", FLIP);
        attacks.put("scaled", SCALE);

        // Execute
        deploy(fedavg, dir.resolve("clean"), Set.of(), 1f);
        double clean = accuracy(dir.resolve("clean"));
        Map<String, Map<String, Double>> attacked = new LinkedHashMap<>();
        for (Map.Entry<String, Float> attack : attacks.entrySet()) {
            Map<String, Double> byRule = new LinkedHashMap<>();
            for (Path f : Stream.concat(Stream.of(fedavg), rules.stream()).toList()) {
                String rule = f.getFileName().toString().replace(".toml", "");
                Path out = dir.resolve(attack.getKey() + "-" + rule);
                deploy(f, out, ATTACKERS, attack.getValue());
                byRule.put(rule, accuracy(out));
            }
            attacked.put(attack.getKey(), byRule);
        }

        // Assert
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "clean fedavg %.4f", clean));
        attacked.forEach((attack, byRule) -> {
            sb.append("; ").append(attack).append(" (x").append(attacks.get(attack)).append("):");
            byRule.forEach((rule, a) -> sb.append(String.format(Locale.ROOT, " %s %.4f", rule, a)));
        });
        String report = sb.toString();
        System.out.println("ByzantineDeployTest: " + report);
        assertTrue(clean > 0.85, "the clean run learns the digits: " + report);
        attacked.forEach((attack, byRule) -> byRule.forEach((rule, a) -> {
            if (rule.equals("fedavg")) {
                assertTrue(a < clean - 0.2, "plain FedAvg is ruined by the " + attack + " attack: " + report);
            } else {
                assertTrue(a >= clean - 0.02, rule + " stays within 2 points of the clean run under the " + attack
                        + " attack: " + report);
            }
        }));
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
        ExecutorService pool = Executors.newFixedThreadPool(PARTICIPANTS + 1);
        try {
            List<Future<GrpcParticipant.Result>> clients = participants(pool, spec, port, Set.of(), 1f);

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
            assertEquals(ROUNDS, after.size());
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
