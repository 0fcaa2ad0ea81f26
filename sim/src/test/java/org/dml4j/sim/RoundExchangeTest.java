package org.dml4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.dml4j.compress.CompressorConfig;
import org.dml4j.compress.LowRankUpdate;
import org.dml4j.compress.PowerSgdConfig;
import org.dml4j.compress.QuantizedUpdate;
import org.dml4j.compress.TernGradConfig;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.fl.Compression;
import org.dml4j.fl.CoordinatorContext;
import org.dml4j.fl.Event;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.Reply;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Statistic;
import org.dml4j.fl.Strategy;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;
import org.dml4j.model.ParameterLayout;
import org.dml4j.model.TrainResult;
import org.dml4j.model.TrainSpec;
import org.dml4j.sim.network.NetworkProvider;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.network.UniformNetworkConfig;
import org.junit.jupiter.api.Test;

/**
 * Round exchanges in a federated run ({@link org.dml4j.compress.RoundExchange}): TernGrad's shared scaler (Wen et al.
 * 2017, §3) and PowerSGD's shared P and Q (Vogels et al. 2019) go through the coordinator, count their bytes both
 * ways and their virtual time, and keep runs deterministic.
 */
class RoundExchangeTest {
    /** FedAvg that records every reply it gets. */
    private static final class Recording implements Strategy {
        private final Strategy inner = new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0);
        final List<Reply.Ok> replies = new ArrayList<>();

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void onEvent(Event e, CoordinatorContext ctx) {
            if (e instanceof Event.ReplyArrived r && r.reply() instanceof Reply.Ok ok) {
                replies.add(ok);
            }
            inner.onEvent(e, ctx);
        }

        /** @return the replies by base version, each list in participant order */
        TreeMap<Integer, List<Reply.Ok>> byVersion() {
            TreeMap<Integer, List<Reply.Ok>> m = new TreeMap<>();
            for (Reply.Ok ok : replies) {
                m.computeIfAbsent(ok.baseVersion(), v -> new ArrayList<>()).add(ok);
            }
            m.values().forEach(l -> l.sort((a, b) -> Integer.compare(a.participant(), b.participant())));
            return m;
        }
    }

    /** A 6 x 5 weight matrix that "trains" towards a per-sample target (enough rank for PowerSGD to factor). */
    static final class MatrixModel implements Model {
        private final ParameterLayout layout = new ParameterLayout.Builder().add("w", 6, 5).build();
        private final float[] w = new float[30];

        MatrixModel() {
            for (int i = 0; i < w.length; i++) {
                w[i] = 0.01f * i;
            }
        }

        @Override
        public ParameterLayout layout() {
            return layout;
        }

        @Override
        public void getParams(float[] out) {
            System.arraycopy(w, 0, out, 0, w.length);
        }

        @Override
        public void setParams(float[] in) {
            System.arraycopy(in, 0, w, 0, w.length);
        }

        @Override
        public TrainResult train(Dataset data, TrainSpec spec, SplittableRandom rng) {
            float[] x = new float[data.featureSize()];
            double loss = 0;
            for (int s = 0; s < spec.steps(); s++) {
                data.copyFeatures(rng.nextInt(data.size()), x, 0);
                for (int j = 0; j < w.length; j++) {
                    double g = w[j] - x[j % 4] * (1 + j % 5) * (1 + j / 5) / 10.0;
                    loss += g * g / w.length;
                    w[j] -= spec.learningRate() * (float) g;
                }
            }
            return new TrainResult(spec.steps(), spec.steps(), loss / spec.steps());
        }

        @Override
        public EvalResult evaluate(Dataset data) {
            return new EvalResult(data.size(), Math.abs(w[0]), 0.5);
        }

        @Override
        public void close() {
        }
    }

    private static NetworkTopology network() {
        return NetworkProvider.REGISTRY.get("uniform").create(new UniformNetworkConfig(1, 1, 10, null, null,
                false, 1000, 1000, 0, null, null, null), 7, SeedTree.root(1), null);
    }

    private record Run(SimulationResult result, Recording strategy) {
    }

    private static Run run(int threads, CompressorConfig compressor, ModelFactory models, NetworkTopology net) {
        return run(threads, compressor, models, net, null);
    }

    private static Run run(int threads, CompressorConfig compressor, ModelFactory models, NetworkTopology net,
                           org.dml4j.sim.device.DeviceModel devices) {
        Recording strategy = new Recording();
        SimulationSpec spec = new SimulationSpec(11, 5, threads, 1, FederatedSimulationTest.clients(false),
                FederatedSimulationTest.data(50, 99, false), models, strategy, Compression.uplinkOnly(compressor),
                new LocalTraining(8, 1, 0, round -> 0.1, 0f, 0f), devices, net);
        try (FederatedSimulation sim = new FederatedSimulation(spec)) {
            return new Run(sim.run((m, t) -> { }), strategy);
        }
    }

    private static TernGradConfig terngrad(boolean shared) {
        return new TernGradConfig(null, 2, false, null, false, shared); // 4 parameters: 2 buckets
    }

    @Test
    void sharedScalerIsTheMaximumOverTheCohortAndEveryClientUsesIt() {
        // Prepare: the same run with and without sharing; their first round trains from the same model and seeds
        Run own = run(2, terngrad(false), FederatedSimulationTest.FakeModel::new, null);
        Run shared = run(2, terngrad(true), FederatedSimulationTest.FakeModel::new, null);

        // Execute
        TreeMap<Integer, List<Reply.Ok>> sharedRounds = shared.strategy().byVersion();
        List<Reply.Ok> ownFirst = own.strategy().byVersion().get(0);

        // Assert: round 1 by hand: the shared scaler of each bucket is the largest of the clients' own scalers
        assertEquals(7, ownFirst.size());
        float[] max = new float[2];
        for (Reply.Ok ok : ownFirst) {
            float[] s = ((QuantizedUpdate) ok.update()).scales();
            for (int b = 0; b < 2; b++) {
                max[b] = Math.max(max[b], s[b]);
            }
        }
        assertTrue(max[0] > 0 && max[1] > 0);
        for (Reply.Ok ok : sharedRounds.get(0)) {
            assertArrayEquals(max, ((QuantizedUpdate) ok.update()).scales(), "client " + ok.participant());
        }
        // every round: one scale per bucket for all clients, and it is a client's largest magnitude (P(sign) = 1)
        assertEquals(5, sharedRounds.size());
        for (List<Reply.Ok> round : sharedRounds.values()) {
            float[] scales = ((QuantizedUpdate) round.get(0).update()).scales();
            float[] largest = new float[2];
            for (Reply.Ok ok : round) {
                QuantizedUpdate q = (QuantizedUpdate) ok.update();
                assertArrayEquals(scales, q.scales(), "client " + ok.participant());
                float[] d = q.toDense();
                for (int i = 0; i < 4; i++) {
                    largest[i / 2] = Math.max(largest[i / 2], Math.abs(d[i]));
                }
            }
            assertArrayEquals(scales, largest);
        }
        // without sharing the clients' scales differ
        assertTrue(ownFirst.stream().map(ok -> ((QuantizedUpdate) ok.update()).scales()[0]).distinct().count() > 1);
    }

    @Test
    void exchangeBytesAreCountedBothWaysAndRunsAreDeterministic() {
        Run one = run(1, terngrad(true), FederatedSimulationTest.FakeModel::new, null);
        Run three = run(3, terngrad(true), FederatedSimulationTest.FakeModel::new, null);
        assertEquals(one.result().rounds(), three.result().rounds());
        assertArrayEquals(one.result().finalParams(), three.result().finalParams());

        long statistic = Statistic.HEADER_BYTES + 4L * 2; // one scaler per bucket
        long dense = org.dml4j.compress.UpdateCodec.HEADER_BYTES + 4L * 4;
        TreeMap<Integer, List<Reply.Ok>> rounds = one.strategy().byVersion();
        for (RoundMetrics m : one.result().rounds()) {
            long replies = rounds.get(m.round() - 1).stream().mapToLong(ok -> ok.update().wireBytes()).sum();
            assertEquals(7, m.clients());
            assertEquals(replies + 7 * statistic, m.bytesUp(), m.toString());
            assertEquals(7 * dense + 7 * statistic, m.bytesDown(), m.toString());
            assertEquals(0, m.failed());
        }
        RoundMetrics last = one.result().rounds().get(4);
        assertTrue(last.testLoss() < one.result().rounds().get(0).testLoss(), "the run trains: " + last);
    }

    @Test
    void theExchangeTakesItsVirtualTimeOnTheNetwork() {
        // 10 ms latency a way: the exchange adds a round trip to every round (its 24 bytes add microseconds)
        Run own = run(2, terngrad(false), FederatedSimulationTest.FakeModel::new, network());
        Run shared = run(2, terngrad(true), FederatedSimulationTest.FakeModel::new, network());
        double before = 0;
        double beforeOwn = 0;
        for (int r = 0; r < 5; r++) {
            double d = shared.result().rounds().get(r).simSeconds() - before;
            double dOwn = own.result().rounds().get(r).simSeconds() - beforeOwn;
            assertTrue(d > dOwn + 0.0199 && d < dOwn + 0.0205, "round " + (r + 1) + ": " + d + " s against "
                    + dOwn + " s");
            before += d;
            beforeOwn += dOwn;
        }
        assertEquals(run(1, terngrad(true), FederatedSimulationTest.FakeModel::new, network()).result().rounds(),
                shared.result().rounds());
    }

    @Test
    void aLostClientNoLongerHoldsUpTheOthersExchange() {
        // Prepare: clients of different speeds that drop out of 30% of their tasks
        java.util.function.IntToDoubleFunction speed = p -> 0.01 * (1 + p);
        Run a = run(2, terngrad(true), FederatedSimulationTest.FakeModel::new, network(),
                VirtualTimeTest.devices(speed, 0.3));
        Run b = run(1, terngrad(true), FederatedSimulationTest.FakeModel::new, network(),
                VirtualTimeTest.devices(speed, 0.3));

        // Assert: the run ends, loses tasks, and every round's replies still share one scale
        assertEquals(a.result().rounds(), b.result().rounds());
        assertTrue(a.result().rounds().stream().mapToInt(RoundMetrics::failed).sum() > 0, "some tasks are lost");
        long statistic = Statistic.HEADER_BYTES + 4L * 2;
        TreeMap<Integer, List<Reply.Ok>> rounds = a.strategy().byVersion();
        for (RoundMetrics m : a.result().rounds()) {
            List<Reply.Ok> round = rounds.get(m.round() - 1);
            for (Reply.Ok ok : round) {
                assertArrayEquals(((QuantizedUpdate) round.get(0).update()).scales(),
                        ((QuantizedUpdate) ok.update()).scales());
            }
            long replies = round.stream().mapToLong(ok -> ok.update().wireBytes()).sum();
            long extra = m.bytesUp() - replies; // the statistics: of the replies and of clients lost after reporting
            assertTrue(extra % statistic == 0 && extra / statistic >= round.size() && extra / statistic <= 7,
                    m.toString());
        }
    }

    @Test
    void powerSgdSharesPAndQInAFederatedRun() {
        PowerSgdConfig cfg = new PowerSgdConfig(1, true, null, true, null, true);
        Run a = run(2, cfg, MatrixModel::new, null);
        Run b = run(1, cfg, MatrixModel::new, null);
        assertEquals(a.result().rounds(), b.result().rounds());
        assertArrayEquals(a.result().finalParams(), b.result().finalParams());

        TreeMap<Integer, List<Reply.Ok>> rounds = a.strategy().byVersion();
        float[] previous = null;
        for (List<Reply.Ok> round : rounds.values()) {
            float[] p = ((LowRankUpdate.Factored) ((LowRankUpdate) round.get(0).update()).block(0)).p();
            for (Reply.Ok ok : round) {
                // every client factors with the one orthonormalized mean P
                assertArrayEquals(p, ((LowRankUpdate.Factored) ((LowRankUpdate) ok.update()).block(0)).p(),
                        "client " + ok.participant());
            }
            double norm = 0;
            for (float v : p) {
                norm += v * v;
            }
            assertEquals(1.0, norm, 1e-5);
            assertTrue(previous == null || !java.util.Arrays.equals(previous, p));
            previous = p;
        }
        long statistics = 2L * Statistic.HEADER_BYTES + 4L * (6 + 5); // phase 0: P (6 values), phase 1: Q (5)
        for (RoundMetrics m : a.result().rounds()) {
            long replies = rounds.get(m.round() - 1).stream().mapToLong(ok -> ok.update().wireBytes()).sum();
            assertEquals(replies + 7 * statistics, m.bytesUp(), m.toString());
        }
        // the same run without sharing: each client its own P
        Run own = run(2, new PowerSgdConfig(1, true, null, true, null, false), MatrixModel::new, null);
        List<Reply.Ok> first = own.strategy().byVersion().get(0);
        assertTrue(first.stream().map(ok -> ((LowRankUpdate.Factored) ((LowRankUpdate) ok.update()).block(0)).p()[0])
                .distinct().count() > 1);
    }

    /**
     * The bytes a round counts are those of the paper's two all-reduces (Vogels et al. 2019, Algorithm 1), by hand for
     * the 6 x 5 model at rank 1, 7 clients: up, a statistic of P (16 + 4 * 6) and one of Q (16 + 4 * 5), and a reply
     * of header 12, block count 4 and the factored block's type and shape 13 (P̂ and Q are not sent again); down, the
     * dense model (12 + 4 * 30) and the mean P and mean Q (as large as the reports).
     */
    @Test
    void powerSgdCountsExactlyTheTwoAllReduces() {
        Run a = run(2, new PowerSgdConfig(1, true, null, true, null, true), MatrixModel::new, null);
        long perClientUp = (16 + 4 * 6) + (16 + 4 * 5) + (12 + 4 + 13);
        long perClientDown = (12 + 4 * 30) + (16 + 4 * 6) + (16 + 4 * 5);
        assertEquals(5, a.result().rounds().size());
        for (RoundMetrics m : a.result().rounds()) {
            assertEquals(7, m.clients());
            assertEquals(7 * perClientUp, m.bytesUp(), m.toString());
            assertEquals(7 * perClientDown, m.bytesDown(), m.toString());
        }
        for (Reply.Ok ok : a.strategy().replies) {
            assertTrue(((LowRankUpdate.Factored) ((LowRankUpdate) ok.update()).block(0)).exchanged());
        }
    }

    /** An asynchronous strategy runs with an exchanging compressor unchanged: the tasks of one version exchange. */
    @Test
    void fedBuffRunsWithASharedScaler() {
        java.util.function.IntToDoubleFunction speed = p -> 0.01 * (1 + p % 3);
        java.util.function.IntFunction<List<RoundMetrics>> run = threads -> {
            SimulationSpec spec = new SimulationSpec(11, 8, threads, 1, FederatedSimulationTest.clients(false),
                    FederatedSimulationTest.data(50, 99, false), FederatedSimulationTest.FakeModel::new,
                    new org.dml4j.fl.async.FedBuff(new org.dml4j.fl.async.FedBuff.FedBuffConfig(3, 1f, 5, "uniform",
                            "polynomial", 0.5, 0, -1)), Compression.uplinkOnly(terngrad(true)),
                    new LocalTraining(8, 1, 0, round -> 0.1, 0f, 0f), VirtualTimeTest.devices(speed, 0), network());
            try (FederatedSimulation sim = new FederatedSimulation(spec)) {
                return sim.run((m, t) -> { }).rounds();
            }
        };
        List<RoundMetrics> a = run.apply(1);
        assertEquals(8, a.size());
        assertEquals(a, run.apply(2));
        assertTrue(a.get(7).testLoss() < a.get(0).testLoss(), a.get(7).toString());
    }

    @Test
    void exchangingCompressorsSaySoWhereTheyCannotRun() {
        SimulationSpec spec = new SimulationSpec(11, 2, 1, 1, FederatedSimulationTest.clients(false),
                FederatedSimulationTest.data(50, 99, false), FederatedSimulationTest.FakeModel::new,
                new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0),
                Compression.uplinkOnly(terngrad(true)), new LocalTraining(8, 1, 0, round -> 0.1, 0f, 0f), null,
                null);
        try (FederatedSimulation sim = new FederatedSimulation(spec)) {
            String why = sim.checkpointUnsupported();
            assertNotNull(why);
            assertTrue(why.contains("round exchanges"), why);
        }
        assertThrows(UnsupportedOperationException.class, () -> new org.dml4j.fl.Transport() {
            @Override
            public org.dml4j.fl.Clock clock() {
                return () -> 0;
            }

            @Override
            public boolean run(Inbox inbox) {
                return false;
            }

            @Override
            public void dispatch(org.dml4j.fl.Task task) {
            }

            @Override
            public void cancel(int participant, long taskId) {
            }

            @Override
            public void broadcast(org.dml4j.fl.Broadcast broadcast) {
            }

            @Override
            public void timer(double atSeconds, long tag) {
            }

            @Override
            public void stop() {
            }
        }.share(0, new Statistic.Shared(0, 0, new float[1])));
    }
}
