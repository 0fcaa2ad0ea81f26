package org.dml4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressorConfig;
import org.dml4j.compress.CompressorProvider;
import org.dml4j.compress.Compressors;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.core.DivergenceException;
import org.dml4j.data.Dataset;
import org.dml4j.compress.adaptive.DagcR;
import org.dml4j.fl.Compression;
import org.dml4j.fl.DataAware;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;
import org.dml4j.model.ParameterLayout;
import org.dml4j.model.TrainResult;
import org.dml4j.model.TrainSpec;
import org.junit.jupiter.api.Test;

/** The round executor with a cheap deterministic stand-in model, so thread scheduling is exercised quickly. */
class FederatedSimulationTest {
    /** "Trains" by moving each parameter towards random samples' feature values; fails on a negative label sum. */
    static final class FakeModel implements Model {
        private final ParameterLayout layout = new ParameterLayout.Builder().add("w", 4).build();
        private final float[] w = {0.1f, 0.2f, 0.3f, 0.4f};

        @Override
        public ParameterLayout layout() {
            return layout;
        }

        @Override
        public void getParams(float[] out) {
            System.arraycopy(w, 0, out, 0, 4);
        }

        @Override
        public void setParams(float[] in) {
            System.arraycopy(in, 0, w, 0, 4);
        }

        @Override
        public TrainResult train(Dataset data, TrainSpec spec, SplittableRandom rng) {
            float[] x = new float[data.featureSize()];
            double loss = 0;
            for (int s = 0; s < spec.steps(); s++) {
                int i = rng.nextInt(data.size());
                if (data.label(i) == 3) {
                    throw new DivergenceException("loss is NaN at step " + s);
                }
                data.copyFeatures(i, x, 0);
                for (int j = 0; j < 4; j++) {
                    double g = w[j] - x[j];
                    loss += g * g;
                    w[j] -= spec.learningRate() * (float) g;
                }
                try {
                    Thread.sleep(0, 1000); // let the other worker interleave
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new TrainResult(spec.steps(), spec.steps(), loss / spec.steps());
        }

        @Override
        public EvalResult evaluate(Dataset data) {
            double loss = 0;
            int correct = 0;
            float[] x = new float[data.featureSize()];
            for (int i = 0; i < data.size(); i++) {
                data.copyFeatures(i, x, 0);
                double d = 0;
                for (int j = 0; j < 4; j++) {
                    d += (w[j] - x[j]) * (w[j] - x[j]);
                }
                loss += d;
                correct += d < 0.5 ? 1 : 0;
            }
            return new EvalResult(data.size(), loss / data.size(), (double) correct / data.size());
        }

        @Override
        public void close() {
        }
    }

    static Dataset data(int n, long seed, boolean poison) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[n * 4];
        int[] l = new int[n];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            l[i] = poison ? 3 : r.nextInt(3);
        }
        return new Dataset("d" + seed, f, l, new int[] {4}, 4);
    }

    static CompressorConfig topk(Map<String, ?> options) {
        return Compressors.bind(CompressorProvider.REGISTRY.get("topk").configType(), options);
    }

    private static SimulationResult run(int threads, boolean poisonClient2) {
        return run(threads, poisonClient2, Compression.uplinkOnly(new IdentityCompressor.IdentityConfig()), 0.6);
    }

    static List<Dataset> clients(boolean poisonClient2) {
        List<Dataset> clients = new ArrayList<>();
        for (int c = 0; c < 7; c++) {
            clients.add(data(20 + 13 * c, c, poisonClient2 && c == 2));
        }
        return clients;
    }

    private static SimulationSpec spec(int threads, boolean poisonClient2, Compression compression, double fraction) {
        return new SimulationSpec(11, 6, threads, 2, clients(poisonClient2), data(50, 99, false), FakeModel::new,
                new FedAvg("fedavg", fraction, 1, 1f, 0f, 0, 0), compression,
                new LocalTraining(8, 1, 0, round -> 0.1, 0f, 0f), null, null);
    }

    private static SimulationResult run(int threads, boolean poisonClient2, Compression compression,
                                        double fraction) {
        try (FederatedSimulation sim = new FederatedSimulation(spec(threads, poisonClient2, compression, fraction))) {
            return sim.run((m, t) -> { });
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        SimulationResult one = run(1, false);
        SimulationResult three = run(3, false);
        assertEquals(one.rounds(), three.rounds());
        assertArrayEquals(one.finalParams(), three.finalParams());
    }

    @Test
    void countsBytesAndEvaluatesOnSchedule() {
        SimulationResult r = run(2, false);
        long dense = UpdateCodec.HEADER_BYTES + 4L * 4;
        long totalUp = 0;
        for (RoundMetrics m : r.rounds()) {
            assertEquals(4, m.clients()); // round(0.6 * 7)
            assertEquals(4 * dense, m.bytesUp());
            assertEquals(4 * dense, m.bytesDown());
            assertEquals(16, m.elementsUp());
            totalUp += m.bytesUp();
            assertEquals(totalUp, m.totalBytesUp());
            assertEquals(m.round() % 2 == 0, !Double.isNaN(m.testAccuracy()), "eval-every = 2");
        }
        assertTrue(r.rounds().get(5).testLoss() < r.rounds().get(1).testLoss(), "training makes progress");
    }

    @Test
    void aFailingClientIsCountedNotFatal() {
        SimulationResult r = run(2, true);
        int failed = r.rounds().stream().mapToInt(RoundMetrics::failed).sum();
        assertTrue(failed > 0, "client 2 must have been sampled and failed at least once");
        for (RoundMetrics m : r.rounds()) {
            assertEquals(m.clients() - m.failed(), m.elementsUp() / 4);
        }
    }

    @Test
    void dagcGivesEveryClientItsOwnRatio() {
        Compression dagc = new Compression(topk(Map.of("ratio", 0.5)), DataAware.DAGC_R, 0.5, null);
        double[] levels;
        try (FederatedSimulation sim = new FederatedSimulation(spec(1, false, dagc, 1.0))) {
            levels = sim.uplinkLevels();
        }
        double[] sizes = new double[7];
        for (int c = 0; c < 7; c++) {
            sizes[c] = 20 + 13 * c;
        }
        assertArrayEquals(DagcR.assign(sizes, 0.5), levels, 1e-12);
        long expected = 0;
        for (double d : levels) {
            expected += (long) Math.ceil(d * 4);
        }
        SimulationResult r = run(2, false, dagc, 1.0);
        for (RoundMetrics m : r.rounds()) {
            assertEquals(expected, m.elementsUp(), "k_i = ceil(delta_i * d) for every client, every round");
            assertEquals(expected / 28.0, m.densityUp(), 1e-12);
            assertEquals(1.0, m.densityDown());
        }
    }

    @Test
    void dataAwareNeedsACompressorWithThatLevel() {
        Compression bad = new Compression(new IdentityCompressor.IdentityConfig(), DataAware.DAGC_R, 0.1, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FederatedSimulation(spec(1, false, bad, 1.0)).close());
        assertTrue(e.getMessage().contains("dagc-r") && e.getMessage().contains("identity"), e.getMessage());
    }

    @Test
    void downlinkCompressionIsSentToEveryClientAndStaysDeterministic() {
        Compression down = new Compression(new IdentityCompressor.IdentityConfig(), DataAware.UNIFORM, Double.NaN,
                topk(Map.of("k", 2)));
        SimulationResult one = run(1, false, down, 0.6);
        SimulationResult two = run(2, false, down, 0.6);
        assertArrayEquals(one.finalParams(), two.finalParams());
        long broadcast = Compressors.create("topk", Map.of("k", 2)).newState(4, new SplittableRandom(1))
                .compress(new float[] {1, 2, 3, 4}).wireBytes();
        for (RoundMetrics m : one.rounds()) {
            assertEquals(7 * broadcast, m.bytesDown(), "the pool's 7 clients all receive the broadcast");
            assertEquals(14, m.elementsDown());
            assertEquals(0.5, m.densityDown());
        }
        double dense = run(1, false).rounds().get(5).testLoss();
        assertEquals(dense, one.rounds().get(5).testLoss(), 0.05 * dense, "error feedback keeps the model on course");
    }

    private static SimulationResult churnRun(int threads, List<String> events) {
        // client 2 leaves at 0.01 s, during round 1 (its 6 steps take 0.06 s), and joins again at 0.3 s
        org.dml4j.sim.device.Availability a = org.dml4j.sim.device.Availability.churn(new ChurnEvent[] {
            new ChurnEvent(0.01, new int[] {2}, null), new ChurnEvent(0.3, null, new int[] {2})}, 7);
        SimulationSpec s = spec(threads, false, Compression.uplinkOnly(new IdentityCompressor.IdentityConfig()), 1.0);
        SimulationSpec churn = new SimulationSpec(s.seed(), s.rounds(), threads, s.evalEvery(), s.clientData(),
                s.test(), s.models(), s.strategy(), s.compression(), s.training(),
                new org.dml4j.sim.device.Devices(7, c -> 0.01, a, 0, org.dml4j.core.SeedTree.root(11)), null);
        try (FederatedSimulation sim = new FederatedSimulation(churn)) {
            return sim.run(new RoundListener() {
                @Override
                public void onRound(RoundMetrics m, RoundTiming t) {
                }

                @Override
                public void onEventLog(String line) {
                    events.add(line);
                }
            });
        }
    }

    @Test
    void clientsLeaveAndJoinMidTrainingAndTheEventLogSaysWhoWasPresent() {
        // Prepare / Execute
        List<String> one = new ArrayList<>();
        List<String> two = new ArrayList<>();
        SimulationResult r = churnRun(1, one);
        SimulationResult r2 = churnRun(2, two);
        // Assert: client 2's round-1 task is lost when it leaves, the run goes on without it, and it is back later
        assertTrue(one.stream().anyMatch(e -> e.contains("\"e\":\"lost\"") && e.contains("\"p\":2")), one.toString());
        assertTrue(one.stream().anyMatch(e -> e.contains("\"e\":\"present\",\"version\":1,\"clients\":[0,1,3,4,5,6]")),
                one.toString());
        assertTrue(one.stream().anyMatch(e -> e.contains("\"e\":\"present\"") && e.contains("\"clients\":[0,1,2,3,4,5,"
                + "6]")), one.toString());
        assertEquals(6, r.rounds().size(), "the run did not stop");
        assertTrue(r.rounds().getLast().simSeconds() > 0.3);
        assertEquals(r.rounds(), r2.rounds());
        assertArrayEquals(r.finalParams(), r2.finalParams());
        assertEquals(one, two);
    }
}
