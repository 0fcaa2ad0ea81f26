package org.dml4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.Compression;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.async.FedBuff;
import org.dml4j.fl.hier.EdgeTiming;
import org.dml4j.sim.topology.Hierarchy;
import org.dml4j.sim.topology.LanTiming;
import org.dml4j.sim.topology.SiteConfig;
import org.dml4j.sim.topology.SiteTopology;
import org.dml4j.sim.topology.TopologyConfig;
import org.junit.jupiter.api.Test;

/** HierFAVG through the flat coordinator: edge aggregators stand where the clients stood. */
class HierarchicalSimulationTest {
    private static final int CLIENTS = 7;
    private static final int KAPPA1 = 3;

    private static SimulationSpec spec(int rounds, int threads) {
        return new SimulationSpec(11, rounds, threads, 1, FederatedSimulationTest.clients(false),
                FederatedSimulationTest.data(50, 99, false), FederatedSimulationTest.FakeModel::new,
                new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0),
                Compression.uplinkOnly(new IdentityCompressor.IdentityConfig()),
                new LocalTraining(8, 1, KAPPA1, round -> 0.1, 0f, 0f), null, null);
    }

    private static SimulationResult run(SimulationSpec spec, Hierarchy h) {
        try (FederatedSimulation sim = new FederatedSimulation(spec, h)) {
            return sim.run((m, t) -> { });
        }
    }

    private static Hierarchy oneEdge(int kappa2) {
        return new Hierarchy(new int[CLIENTS], kappa2, new IdentityCompressor(), null, EdgeTiming.NONE, null);
    }

    @Test
    void oneEdgeAndOneEdgeRoundIsFedAvg() {
        SimulationResult flat = run(spec(4, 1), null);
        SimulationResult hier = run(spec(4, 1), oneEdge(1));
        // the edge's model is FedAvg's round bit for bit; the cloud adds the edge's delta back to the model it sent,
        // w + (w_e - w), which is w_e again here (in float it can differ by an ulp where |w_e - w| >> |w|)
        assertArrayEquals(flat.finalParams(), hier.finalParams());
        for (int r = 0; r < 4; r++) {
            assertEquals(flat.rounds().get(r).testLoss(), hier.rounds().get(r).testLoss());
            assertEquals(flat.rounds().get(r).testAccuracy(), hier.rounds().get(r).testAccuracy());
            assertEquals(flat.rounds().get(r).trainLoss(), hier.rounds().get(r).trainLoss(), 1e-9);
        }
        long dense = UpdateCodec.HEADER_BYTES + 4L * 4;
        assertEquals(CLIENTS * dense, flat.rounds().get(0).bytesUp());
        assertEquals(dense, hier.rounds().get(0).bytesUp(), "the cloud sees one edge's upload");
    }

    @Test
    void kappa2EdgeRoundsOfOneEdgeAreKappa2FedAvgRounds() {
        SimulationResult flat = run(spec(6, 1), null);
        SimulationResult hier = run(spec(3, 1), oneEdge(2));
        assertArrayEquals(flat.finalParams(), hier.finalParams());
        assertEquals(flat.rounds().get(5).testLoss(), hier.rounds().get(2).testLoss(), 1e-6);
    }

    private static SiteTopology twoSites() {
        SiteConfig a = new SiteConfig("a", new int[] {0, 1, 2}, null, null, 2.0, null);
        SiteConfig b = new SiteConfig("b", new int[] {3, 4, 5, 6}, null, null, null, 80.0);
        TopologyConfig c = new TopologyConfig("hierarchical", 0, new SiteConfig[] {a, b}, "random", "declared", 2,
                100, 2, 1000, 10, 50, null, null, 1000, 0.5, 65536);
        return SiteTopology.create(c, CLIENTS, SeedTree.root(11));
    }

    private static Hierarchy twoEdges(SiteTopology sites) {
        int[] edgeOf = sites.declaredGrouping();
        return new Hierarchy(edgeOf, 2, new IdentityCompressor(), null, new LanTiming(sites, edgeOf, null),
                sites.edges());
    }

    @Test
    void sameNumbersForOneAndTwoThreads() {
        SiteTopology sites = twoSites();
        SimulationResult one = run(spec(3, 1), twoEdges(sites));
        SimulationResult two = run(spec(3, 2), twoEdges(sites));
        assertArrayEquals(one.finalParams(), two.finalParams());
        assertEquals(one.rounds(), two.rounds());
    }

    @Test
    void aCloudRoundTakesTheWanTransfersAndKappa2LanRounds() {
        SiteTopology sites = twoSites();
        SimulationResult r = run(spec(1, 2), twoEdges(sites));
        long dense = UpdateCodec.HEADER_BYTES + 4L * 4;
        double[] edgeEnd = new double[2];
        int[][] members = {{0, 1, 2}, {3, 4, 5, 6}};
        double[] wanMbps = {2.0, 10};
        double[] wanLatency = {0.050, 0.080};
        for (int e = 0; e < 2; e++) {
            // the edges' LAN (1 Gb/s) is never the bottleneck: a LAN round is the slowest client's down + up
            double lan = 0;
            for (int c : members[e]) {
                double oneWay = 0.002 + dense / sites.linkBytesPerSecond(c, e);
                lan = Math.max(lan, 2 * oneWay);
            }
            double wan = wanLatency[e] + dense / (wanMbps[e] * 125_000);
            edgeEnd[e] = 2 * wan + 2 * lan;
        }
        RoundMetrics m = r.rounds().get(0);
        assertEquals(Math.max(edgeEnd[0], edgeEnd[1]), m.simSeconds(), 1e-9);
    }

    @Test
    void wanBytesCountEdgeToCloudTrafficAndTheFlatRunsRegionCrossings() {
        SiteTopology sites = twoSites();
        SimulationResult hier = run(spec(2, 1), twoEdges(sites));
        for (RoundMetrics m : hier.rounds()) {
            assertEquals(m.bytesUp() + m.bytesDown(), m.wanBytes(), "every edge <-> cloud transfer is WAN");
            assertTrue(m.wanBytes() > 0);
        }
        SimulationSpec s = spec(2, 1);
        SimulationSpec flat = new SimulationSpec(s.seed(), s.rounds(), 1, s.evalEvery(), s.clientData(), s.test(),
                s.models(), s.strategy(), s.compression(), s.training(), null, sites.flat());
        SimulationResult f = run(flat, null);
        long dense = UpdateCodec.HEADER_BYTES + 4L * 4;
        for (RoundMetrics m : f.rounds()) {
            assertEquals(CLIENTS * dense, m.bytesUp());
            assertEquals(m.bytesUp() + m.bytesDown(), m.wanBytes(), "every client's transfer crosses its site's WAN");
        }
        assertTrue(FederatedSimulation.hasWan(sites.flat(), false));
        assertTrue(FederatedSimulation.hasWan(null, true));
        SimulationResult none = run(spec(1, 1), null);
        assertEquals(0, none.rounds().get(0).wanBytes(), "no network, no WAN");
        assertTrue(!FederatedSimulation.hasWan(null, false));
    }

    @Test
    void anAsynchronousCloudRunsFedBuffOverTheEdges() {
        SiteTopology sites = twoSites();
        FedBuff fedbuff = new FedBuff(new FedBuff.FedBuffConfig(1, 1f, 0, "samples", "polynomial", 0.5, 0, -1));
        java.util.function.IntFunction<SimulationSpec> async = threads -> {
            SimulationSpec s = spec(6, threads);
            return new SimulationSpec(s.seed(), s.rounds(), threads, s.evalEvery(), s.clientData(), s.test(),
                    s.models(), new FedBuff(new FedBuff.FedBuffConfig(1, 1f, 0, "samples", "polynomial", 0.5, 0,
                    -1)), s.compression(), s.training(), null, null);
        };
        SimulationResult one = run(async.apply(1), twoEdges(sites));
        SimulationResult two = run(async.apply(2), twoEdges(sites));
        assertEquals(one.rounds(), two.rounds());
        assertArrayEquals(one.finalParams(), two.finalParams());
        // K = 1: every edge's reply is a version. A 4-value model is ~40 bytes, so latency sets the pace: site a's
        // edge (50 ms WAN) answers more often than site b's (80 ms WAN)
        assertTrue(one.stats().answered(0) > one.stats().answered(1), one.stats().answered(0) + " vs "
                + one.stats().answered(1));
        assertTrue(one.stats().maxStaleness() >= 1, "the slow edge's updates are stale");
        assertEquals("fedbuff", fedbuff.name());
    }

    /** Sites a = {0, 1, 2}, b = {3..6}, measured grouping; from t = 1 µs client 2 reaches b's edge, not a's. */
    private static SiteTopology movingClient(boolean move) {
        SiteConfig a = new SiteConfig("a", new int[] {0, 1, 2}, null, null, null, null);
        SiteConfig b = new SiteConfig("b", new int[] {3, 4, 5, 6}, null, null, null, null);
        org.dml4j.sim.topology.LinkChange[] changes = move ? new org.dml4j.sim.topology.LinkChange[] {
            new org.dml4j.sim.topology.LinkChange(1e-6, 2, "a", 0.01, null),
            new org.dml4j.sim.topology.LinkChange(1e-6, 2, "b", 100, 2.0)} : null;
        TopologyConfig c = new TopologyConfig("hierarchical", 0, new SiteConfig[] {a, b}, "random", "measured", 2,
                100, 2, 1000, 10, 50, 5.0, null, 1000, 0, 65536, changes, "dedicated");
        return SiteTopology.create(c, CLIENTS, SeedTree.root(11));
    }

    private static SimulationResult runLogged(SimulationSpec spec, Hierarchy h, java.util.List<String> events) {
        try (FederatedSimulation sim = new FederatedSimulation(spec, h)) {
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

    private static Hierarchy regrouping(SiteTopology sites) {
        int[] edgeOf = org.dml4j.sim.topology.Grouping.assign(sites, "measured", SeedTree.root(11));
        return new Hierarchy(edgeOf, 2, new IdentityCompressor(), null, new LanTiming(sites, (org.dml4j.sim.device.DeviceModel) null, (int[]) null),
                sites.edges(), new org.dml4j.sim.topology.Regrouping(sites, edgeOf, null));
    }

    @Test
    void aLinkChangeRegroupsTheClientsAtTheNextCloudRound() {
        // Prepare
        java.util.List<String> one = new java.util.ArrayList<>();
        java.util.List<String> two = new java.util.ArrayList<>();
        // Execute
        SimulationResult r1 = runLogged(spec(3, 1), regrouping(movingClient(true)), one);
        SimulationResult r2 = runLogged(spec(3, 2), regrouping(movingClient(true)), two);
        SimulationResult still = runLogged(spec(3, 1), regrouping(movingClient(false)), new java.util.ArrayList<>());
        // Assert: one regrouping, at the dispatch of the second cloud round (version 1), moving client 2 to edge 1
        java.util.List<String> regroups = one.stream().filter(l -> l.contains("\"e\":\"regroup\"")).toList();
        assertEquals(1, regroups.size(), String.join("\n", one));
        assertTrue(regroups.get(0).contains("\"version\":1,\"moved\":[{\"client\":2,\"from\":0,\"to\":1}]"),
                regroups.get(0));
        assertTrue(regroups.get(0).contains("\"edge_of\":[0,0,1,1,1,1,1]"), regroups.get(0));
        double t1 = r1.rounds().get(0).simSeconds();
        assertTrue(regroups.get(0).startsWith("{\"t\":" + t1 + ","), "at the end of round 1: " + regroups.get(0));
        // same numbers and the same event log with 1 and 2 threads
        assertEquals(r1.rounds(), r2.rounds());
        assertArrayEquals(r1.finalParams(), r2.finalParams());
        assertEquals(one, two);
        // the first round is the same as without the change; after the regrouping the edges' weights differ
        assertEquals(still.rounds().get(0), r1.rounds().get(0));
        assertTrue(!java.util.Arrays.equals(still.finalParams(), r1.finalParams()));
    }

    @Test
    void aHierarchyChecksItsGroupsAndNetwork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Hierarchy(new int[] {0, 2, 0}, 1, new IdentityCompressor(), null, EdgeTiming.NONE, null));
        assertTrue(e.getMessage().contains("edge 1 has no clients"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Hierarchy(new int[] {0, 1}, 0, new IdentityCompressor(), null, EdgeTiming.NONE, null));
        assertTrue(e.getMessage().contains("edge-rounds"), e.getMessage());
        SiteTopology sites = twoSites();
        e = assertThrows(IllegalArgumentException.class,
                () -> new Hierarchy(new int[CLIENTS], 1, new IdentityCompressor(), null, EdgeTiming.NONE,
                        sites.edges()));
        assertTrue(e.getMessage().contains("2 nodes"), e.getMessage());
    }
}
