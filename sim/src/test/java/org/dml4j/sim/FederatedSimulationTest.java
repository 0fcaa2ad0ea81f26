package org.dml4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.core.DivergenceException;
import org.dml4j.data.Dataset;
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

    private static Dataset data(int n, long seed, boolean poison) {
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

    private static SimulationResult run(int threads, boolean poisonClient2) {
        List<Dataset> clients = new ArrayList<>();
        for (int c = 0; c < 7; c++) {
            clients.add(data(20 + 13 * c, c, poisonClient2 && c == 2));
        }
        SimulationSpec spec = new SimulationSpec(11, 6, threads, 2, clients, data(50, 99, false), FakeModel::new,
                new FedAvg("fedavg", 0.6, 1, 1f, 0f), new IdentityCompressor(),
                new LocalTraining(8, 1, 0, round -> 0.1, 0f, 0f));
        try (FederatedSimulation sim = new FederatedSimulation(spec)) {
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
}
