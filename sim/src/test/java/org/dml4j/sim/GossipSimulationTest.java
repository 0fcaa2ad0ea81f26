package org.dml4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.fl.Compression;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.gossip.GossipGraph;
import org.dml4j.fl.gossip.MixingMatrix;
import org.dml4j.sim.network.BandwidthProfile;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.network.Topology;
import org.junit.jupiter.api.Test;

/** Peers and no coordinator, on the virtual clock. */
class GossipSimulationTest {
    private static final int PEERS = 7;

    private static SimulationSpec spec(int rounds, int threads, NetworkTopology net, Compression c) {
        return new SimulationSpec(11, rounds, threads, 1, FederatedSimulationTest.clients(false),
                FederatedSimulationTest.data(50, 99, false), FederatedSimulationTest.FakeModel::new,
                new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0), c, new LocalTraining(8, 1, 3, round -> 0.1, 0f, 0f),
                null, net);
    }

    private static SimulationSpec spec(int rounds, int threads, NetworkTopology net) {
        return spec(rounds, threads, net, Compression.uplinkOnly(new IdentityCompressor.IdentityConfig()));
    }

    private static NetworkTopology uniform(double mbps, double latency) {
        BandwidthProfile p = BandwidthProfile.constant(BandwidthProfile.mbps(mbps));
        return Topology.builder(PEERS).clients(c -> p, c -> p, c -> latency).server(p, p, 0).build();
    }

    private static SimulationResult run(SimulationSpec spec, GossipSimulation.Gossip g) {
        try (GossipSimulation sim = new GossipSimulation(spec, g)) {
            return sim.run((m, t) -> { });
        }
    }

    @Test
    void segmentedGossipWithAllOtherPeersAsReplicasIsFedAvg() {
        SimulationResult fedavg;
        try (FederatedSimulation sim = new FederatedSimulation(spec(3, 1, null))) {
            fedavg = sim.run((m, t) -> { });
        }
        SimulationResult combo = run(spec(3, 1, null), new GossipSimulation.Gossip("combo", null, 2, PEERS - 1, 0));
        // every peer averages every peer, weighted by data size: FedAvg's model up to the order of the sums
        assertArrayEquals(fedavg.finalParams(), combo.finalParams(), 1e-6f);
        assertEquals(fedavg.rounds().get(2).testLoss(), combo.rounds().get(2).testLoss(), 1e-5);
        assertEquals(fedavg.rounds().get(0).trainLoss(), combo.rounds().get(0).trainLoss(), 1e-9);
    }

    @Test
    void dpsgdOnARingTakesTheTimeOfTwoSharedTransfers() {
        GossipSimulation.Gossip ring = new GossipSimulation.Gossip("dpsgd",
                MixingMatrix.metropolisHastings(GossipGraph.ring(PEERS)), 0, 0, 0);
        SimulationResult r = run(spec(2, 2, uniform(1, 0.01)), ring);
        long model = UpdateCodec.HEADER_BYTES + 4L * 4;
        // each peer's uplink carries its two sends and its downlink two receives: 0.5 Mb/s each, latency 2 x 10 ms
        double iteration = 2 * model / 125_000.0 + 0.02;
        assertEquals(iteration, r.rounds().get(0).simSeconds(), 1e-9);
        assertEquals(2 * iteration, r.rounds().get(1).simSeconds(), 1e-9);
        assertEquals(PEERS * 2 * model, r.rounds().get(0).bytesUp());
    }

    @Test
    void sameNumbersForOneAndTwoThreads() {
        GossipSimulation.Gossip ba = new GossipSimulation.Gossip("bacombo", null, 2, 2, 0.5);
        SimulationResult one = run(spec(4, 1, uniform(10, 0.02)), ba);
        SimulationResult two = run(spec(4, 2, uniform(10, 0.02)), ba);
        assertEquals(one.rounds(), two.rounds());
        assertArrayEquals(one.finalParams(), two.finalParams());
        assertTrue(one.rounds().get(3).testLoss() < one.rounds().get(0).testLoss() + 1e-9, "training goes on");
    }

    @Test
    void badSetupsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GossipSimulation(
                spec(1, 1, null), new GossipSimulation.Gossip("combo", null, 2, PEERS, 0)));
        assertTrue(e.getMessage().contains("replicas (R)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GossipSimulation.Gossip("push-sum", null, 1, 1, 0));
        assertTrue(e.getMessage().contains("push-sum"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GossipSimulation(spec(1, 1, null,
                Compression.uplinkOnly(FederatedSimulationTest.topk(Map.of("ratio", 0.5)))),
                new GossipSimulation.Gossip("combo", null, 2, 2, 0)));
        assertTrue(e.getMessage().contains("mode must be dpsgd, got 'combo'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GossipSimulation(spec(1, 1, null,
                Compression.uplinkOnly(FederatedSimulationTest.topk(Map.of("ratio", 0.5, "error-feedback", true)))),
                ring()));
        assertTrue(e.getMessage().contains("error-feedback must be false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GossipSimulation.Gossip("dpsgd",
                MixingMatrix.metropolisHastings(GossipGraph.ring(PEERS)), 0, 0, 0, 1.5));
        assertTrue(e.getMessage().contains("consensus-step") && e.getMessage().contains("1.5"), e.getMessage());
    }

    private static GossipSimulation.Gossip ring() {
        return new GossipSimulation.Gossip("dpsgd", MixingMatrix.metropolisHastings(GossipGraph.ring(PEERS)), 0, 0,
                0, 0.5);
    }

    @Test
    void compressedDpsgdSendsChocoMessagesAndIsThreadCountIndependent() {
        Compression topk = Compression.uplinkOnly(FederatedSimulationTest.topk(Map.of("ratio", 0.5)));
        SimulationResult one = run(spec(4, 1, uniform(1, 0.01), topk), ring());
        SimulationResult two = run(spec(4, 2, uniform(1, 0.01), topk), ring());
        assertEquals(one.rounds(), two.rounds());
        assertArrayEquals(one.finalParams(), two.finalParams());
        SimulationResult dense = run(spec(4, 1, uniform(1, 0.01)), ring());
        for (int t = 0; t < 4; t++) {
            assertTrue(one.rounds().get(t).bytesUp() < dense.rounds().get(t).bytesUp(), "Top-50% messages");
            assertTrue(one.rounds().get(t).simSeconds() < dense.rounds().get(t).simSeconds(), "less to send");
            assertEquals(0.5, one.rounds().get(t).densityUp(), 1e-9);
        }
        // with the identity and gamma = 1 CHOCO's step is D-PSGD's mixing (checked in fl); with gamma < 1 and a
        // compressor the peers still train towards the same data: the loss falls
        assertTrue(one.rounds().get(3).testLoss() < one.rounds().get(0).testLoss() + 1e-9);
    }

    private static SimulationResult churnRun(int threads, List<String> events, ChurnEvent... churn) {
        SimulationSpec s = spec(4, threads, uniform(1, 0.01));
        SimulationSpec timed = new SimulationSpec(s.seed(), s.rounds(), threads, s.evalEvery(), s.clientData(),
                s.test(), s.models(), s.strategy(), s.compression(), s.training(),
                VirtualTimeTest.devices(p -> 0.01, 0), s.network());
        GossipSimulation.Gossip g = new GossipSimulation.Gossip("combo", null, 2, 2, 0, 1.0, churn);
        try (GossipSimulation sim = new GossipSimulation(timed, g)) {
            return sim.run(new RoundListener() {
                @Override
                public void onRound(org.dml4j.fl.RoundMetrics m, RoundTiming t) {
                }

                @Override
                public void onEventLog(String line) {
                    events.add(line);
                }
            });
        }
    }

    @Test
    void aPeerThatLeavesMidPullIsReplacedAndComesBackAsANewcomer() {
        // 3 local steps of 0.01 s: peer 3 answers its pulls at 0.03 s; its segments are in flight until ~0.05 s
        // (10 ms latency each side) when it leaves at 0.04 s; it joins again at 0.12 s, during iteration 3
        List<String> events = new java.util.ArrayList<>();
        ChurnEvent leave = new ChurnEvent(0.04, new int[] {3}, null);
        ChurnEvent join = new ChurnEvent(0.12, null, new int[] {3});
        SimulationResult r = churnRun(1, events, leave, join);
        List<String> reRequests = events.stream().filter(e -> e.contains("\"re-request\"")).toList();
        assertTrue(!reRequests.isEmpty(), "someone had asked peer 3: " + events);
        for (String e : reRequests) {
            assertTrue(e.contains("\"left\":3") && !e.contains("\"to\":3") && !e.contains("\"to\":null"), e);
        }
        assertEquals(PEERS, r.rounds().get(0).clients());
        assertEquals(1, r.rounds().get(0).failed(), "peer 3 left during iteration 1");
        assertTrue(events.stream().anyMatch(e -> e.contains("\"present\",\"iteration\":2,\"peers\":[0,1,2,4,5,6]")),
                events.toString());
        assertEquals(PEERS - 1, r.rounds().get(1).clients());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"newcomers\":[3]")), "back without a model: " + events);
        assertEquals(PEERS, r.rounds().get(3).clients());
        // every iteration completed: time went on, and the re-requested segments were sent again
        assertTrue(r.rounds().get(3).simSeconds() > r.rounds().get(0).simSeconds());
        SimulationResult calm = churnRun(1, new java.util.ArrayList<>());
        assertTrue(r.rounds().get(0).bytesUp() > calm.rounds().get(0).bytesUp(), "re-sent segments add bytes");
        // same seed, two threads: the same numbers
        SimulationResult two = churnRun(2, new java.util.ArrayList<>(), leave, join);
        assertEquals(r.rounds(), two.rounds());
        assertArrayEquals(r.finalParams(), two.finalParams());
    }

    @Test
    void dpsgdPeersLeaveAndJoinWithoutStoppingTheRun() {
        // Prepare: a ring of 7, iterations of 0.02 s; peer 3 leaves during iteration 1 (gone from iteration 2) and
        // joins during iteration 2 (a newcomer in iteration 3, training again from iteration 4)
        GossipSimulation.Gossip g = new GossipSimulation.Gossip("dpsgd",
                MixingMatrix.metropolisHastings(GossipGraph.ring(PEERS)), 0, 0, 0, 1.0, new ChurnEvent[] {
                    new ChurnEvent(0.005, new int[] {3}, null), new ChurnEvent(0.025, null, new int[] {3})});
        List<String> events = new java.util.ArrayList<>();
        List<String> events2 = new java.util.ArrayList<>();
        // Execute
        SimulationResult r = logged(spec(6, 1, uniform(100, 0.01)), g, events);
        SimulationResult two = logged(spec(6, 2, uniform(100, 0.01)), g, events2);
        // Assert: who was present when, in the event log and the clients column
        long dense = UpdateCodec.HEADER_BYTES + 4L * 4;
        int[] clients = new int[6];
        long[] messages = new long[6];
        for (int t = 0; t < 6; t++) {
            clients[t] = r.rounds().get(t).clients();
            messages[t] = r.rounds().get(t).bytesUp() / dense;
        }
        assertArrayEquals(new int[] {7, 6, 6, 7, 7, 7}, clients, events.toString());
        // a ring sends 14 models; without peer 3 a path of 6 sends 10; the newcomer pulls from peers 2 and 4
        assertArrayEquals(new long[] {14, 10, 12, 14, 14, 14}, messages, events.toString());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"present\",\"iteration\":2,\"peers\":[0,1,2,4,5,6],"
                + "\"newcomers\":[]")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"present\",\"iteration\":3,\"peers\":[0,1,2,3,4,5,6],"
                + "\"newcomers\":[3]")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"e\":\"leave\",\"peer\":3")));
        assertEquals(r.rounds(), two.rounds());
        assertArrayEquals(r.finalParams(), two.finalParams());
        assertEquals(events, events2);
        SimulationResult calm = run(spec(6, 1, uniform(100, 0.01)), new GossipSimulation.Gossip("dpsgd",
                MixingMatrix.metropolisHastings(GossipGraph.ring(PEERS)), 0, 0, 0));
        assertTrue(!java.util.Arrays.equals(calm.finalParams(), r.finalParams()), "churn changed the run");
    }

    private static SimulationResult logged(SimulationSpec spec, GossipSimulation.Gossip g, List<String> events) {
        try (GossipSimulation sim = new GossipSimulation(spec, g)) {
            return sim.run(new RoundListener() {
                @Override
                public void onRound(org.dml4j.fl.RoundMetrics m, RoundTiming t) {
                }

                @Override
                public void onEventLog(String line) {
                    events.add(line);
                }
            });
        }
    }

    @Test
    void badChurnIsRejectedWithTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GossipSimulation(spec(1, 1, null), new GossipSimulation.Gossip("combo", null, 2, 2, 0, 1.0,
                        new ChurnEvent[] {new ChurnEvent(1, new int[] {9}, null)})));
        assertTrue(e.getMessage().contains("unknown peer 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GossipSimulation(spec(1, 1, null), new GossipSimulation.Gossip("combo", null, 2, 2, 0, 1.0,
                        new ChurnEvent[] {new ChurnEvent(1, new int[] {0, 1, 2, 3, 4}, null)})));
        assertTrue(e.getMessage().contains("fewer than the 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GossipSimulation(spec(1, 1, null),
                new GossipSimulation.Gossip("dpsgd", MixingMatrix.metropolisHastings(GossipGraph.ring(PEERS)), 0, 0, 0,
                        1.0, new ChurnEvent[] {new ChurnEvent(1, new int[] {0, 1, 2, 3, 4, 5}, null)})));
        assertTrue(e.getMessage().contains("fewer than the 2 D-PSGD needs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GossipSimulation(spec(1, 1, null,
                Compression.uplinkOnly(FederatedSimulationTest.topk(Map.of("ratio", 0.5)))),
                new GossipSimulation.Gossip("dpsgd", MixingMatrix.metropolisHastings(GossipGraph.ring(PEERS)), 0, 0, 0,
                        1.0, new ChurnEvent[] {new ChurnEvent(1, new int[] {1}, null)})));
        assertTrue(e.getMessage().contains("churn with [compressor] 'topk'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ChurnEvent(-1, new int[] {1}, null));
        assertTrue(e.getMessage().contains("at") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChurnEvent.check(new ChurnEvent[] {
            new ChurnEvent(1, null, new int[] {2})}, PEERS, 3));
        assertTrue(e.getMessage().contains("peer 2 is present already"), e.getMessage());
    }
}
