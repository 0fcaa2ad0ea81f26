package org.dml4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dml4j.compress.CompressorConfig;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.Compression;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.topology.SiteTopology;
import org.dml4j.sim.topology.TopologyConfig;
import org.junit.jupiter.api.Test;

/** Cross-region data parallelism on the event engine, with the cheap stand-in model. */
class CrossRegionSimulationTest {
    private static final int WORKERS = 7;

    private static CrossRegionConfig config(String algorithm, String... set) {
        CrossRegionConfig d = CrossRegionConfig.defaults();
        Map<String, String> s = new java.util.HashMap<>();
        for (int i = 0; i < set.length; i += 2) {
            s.put(set[i], set[i + 1]);
        }
        return new CrossRegionConfig(algorithm, s.get("outer"), d.outerLr(), d.outerMomentum(), d.inner(), d.beta1(),
                d.beta2(), d.eps(), Integer.parseInt(s.getOrDefault("staleness", "0")), d.maxStaleness(),
                s.containsKey("ratios") ? new double[] {Double.parseDouble(s.get("ratios"))} : d.ratios(),
                Boolean.parseBoolean(s.getOrDefault("adapt", "true")), d.adaptEvery(), d.stalenessCost(),
                d.compressionCost(), d.probeBytes(), s.getOrDefault("placement", "lowest-id"));
    }

    private static SiteTopology sites(int regions) {
        TopologyConfig d = TopologyConfig.defaults();
        TopologyConfig c = new TopologyConfig("flat", regions, null, "blocks", "declared", 1, 100, 1, 1000, 10, 50,
                null, null, 1000, 0, 65536);
        return SiteTopology.create(c, WORKERS, SeedTree.root(3));
    }

    private static SimulationSpec spec(int rounds, int threads, int steps, Compression compression,
                                       DeviceModel devices, NetworkTopology net) {
        return new SimulationSpec(11, rounds, threads, 1, FederatedSimulationTest.clients(false),
                FederatedSimulationTest.data(50, 99, false), FederatedSimulationTest.FakeModel::new,
                new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0), compression,
                new LocalTraining(8, 1, steps, round -> 0.1, 0f, 0f), devices, net);
    }

    private static Compression dense() {
        return Compression.uplinkOnly(new IdentityCompressor.IdentityConfig());
    }

    private static Compression topk(double ratio) {
        CompressorConfig c = FederatedSimulationTest.topk(Map.of("ratio", ratio, "error-feedback", true));
        return Compression.uplinkOnly(c);
    }

    private static SimulationResult run(SimulationSpec spec, CrossRegionConfig c, List<String> log) {
        try (CrossRegionSimulation sim = new CrossRegionSimulation(spec, c)) {
            return sim.run(new RoundListener() {
                @Override
                public void onRound(RoundMetrics m, RoundTiming t) {
                }

                @Override
                public void onLog(String line) {
                    log.add(line);
                }
            });
        }
    }

    @Test
    void localSgdOverRegionsAveragesAsOneGroupDoes() {
        // the same math whatever the grouping: region averages weighted by region size are the global average
        SimulationResult one = run(spec(3, 1, 4, dense(), null, null), config("local-sgd"), new ArrayList<>());
        SimulationResult three = run(spec(3, 1, 4, dense(), null, sites(3).flat()), config("local-sgd"),
                new ArrayList<>());
        assertArrayEquals(one.finalParams(), three.finalParams(), 1e-6f);
        assertEquals(0, one.rounds().get(0).wanBytes(), "one group, no WAN");
        long dense = UpdateCodec.HEADER_BYTES + 4L * 4;
        RoundMetrics m = three.rounds().get(0);
        assertEquals(3 * 2 * dense, m.wanBytes(), "each of 3 leaders sends one message to the 2 others");
        assertEquals((WORKERS - 3) * dense + m.wanBytes(), m.bytesUp(), "LAN deltas to the leaders, then WAN");
        assertEquals((WORKERS - 3) * dense, m.bytesDown(), "each leader sends the average to its workers");
    }

    @Test
    void aSyncTakesComputeThenLanThenWanThenLan() {
        // 2 regions (workers 0-3 and 4-6); 0.05 s per step; 100 Mb/s access links at 1 ms; 10 Mb/s, 50 ms WAN
        SiteTopology s = sites(2);
        DeviceModel dev = VirtualTimeTest.devices(p -> 0.05, 0);
        SimulationResult r = run(spec(2, 2, 3, dense(), dev, s.flat()), config("local-sgd"), new ArrayList<>());
        long dense = UpdateCodec.HEADER_BYTES + 4L * 4;
        double access = 100 * 125_000.0;
        // region 0's leader receives 3 deltas over its access link at once, region 1's 2; the leaders' messages cross
        // the WAN each way; a leader sends the average on when it has both its region's and the other's, so region
        // 0's workers get it after 2 (region 1's LAN), the WAN and 3 (its own broadcast) LAN transfers, and region
        // 1's after 3, the WAN and 2
        double wan = dense / (10 * 125_000.0) + 2 * 0.001 + 2 * 0.050;
        double sync = 3 * 0.05 + 5 * dense / access + 4 * 0.001 + wan;
        assertEquals(sync, r.rounds().get(0).simSeconds(), 1e-9);
        assertEquals(2 * sync, r.rounds().get(1).simSeconds(), 1e-9);
    }

    @Test
    void sameNumbersForOneAndTwoThreads() {
        NetworkTopology net = sites(3).flat();
        DeviceModel dev = VirtualTimeTest.devices(p -> 0.01 * (1 + p % 2), 0);
        for (CrossRegionConfig c : List.of(config("diloco"), config("local-sgd"))) {
            SimulationResult a = run(spec(3, 1, 3, topk(0.5), dev, net), c, new ArrayList<>());
            SimulationResult b = run(spec(3, 2, 3, topk(0.5), dev, net), c, new ArrayList<>());
            assertEquals(a.rounds(), b.rounds(), c.algorithm());
            assertArrayEquals(a.finalParams(), b.finalParams(), c.algorithm());
        }
        SimulationResult a = run(spec(12, 1, 1, topk(0.5), dev, net), config("deco"), new ArrayList<>());
        SimulationResult b = run(spec(12, 2, 1, topk(0.5), dev, net), config("deco"), new ArrayList<>());
        assertEquals(a.rounds(), b.rounds());
        assertArrayEquals(a.finalParams(), b.finalParams());
    }

    @Test
    void delayHidesTheExchangeAndEveryAggregateIsAppliedOnce() {
        NetworkTopology net = sites(2).flat();
        DeviceModel dev = VirtualTimeTest.devices(p -> 0.01, 0);
        SimulationResult sync = run(spec(10, 1, 1, topk(1.0), dev, net), config("deco", "adapt", "false",
                "ratios", "1.0"), new ArrayList<>());
        SimulationResult late = run(spec(10, 1, 1, topk(1.0), dev, net), config("deco", "adapt", "false",
                "ratios", "1.0", "staleness", "3"), new ArrayList<>());
        // after the probes (the same in both), steps 6 to 10: one exchange per step against one per four steps
        double tSync = sync.rounds().get(9).simSeconds() - sync.rounds().get(5).simSeconds();
        double tLate = late.rounds().get(8).simSeconds() - late.rounds().get(4).simSeconds();
        assertTrue(tLate < tSync / 2, "three steps of compute overlap each exchange: " + tLate + " vs " + tSync);
        // the delayed run applies the same number of aggregates (all of them, the last ones at the end)
        assertEquals(sync.rounds().get(9).totalBytesUp(), late.rounds().get(9).totalBytesUp());
        assertTrue(late.finalParams()[0] != sync.finalParams()[0], "stale steps change the trajectory");
    }

    @Test
    void decoProbesTheLinksAndLogsItsChoice() {
        List<String> log = new ArrayList<>();
        NetworkTopology net = sites(2).flat();
        DeviceModel dev = VirtualTimeTest.devices(p -> 0.01, 0);
        SimulationResult r = run(spec(4, 1, 1, topk(0.5), dev, net), config("deco"), log);
        assertTrue(log.get(0).startsWith("deco: step 1: staleness "), log.toString());
        assertTrue(log.get(0).contains("measured latency 102.1 ms"), "2 x 50 ms WAN + 2 x 1 ms access: " + log);
        assertTrue(r.rounds().get(0).wanBytes() >= 2 * (64 + (1 << 20)), "the probes crossed the WAN");
    }

    @Test
    void badRunsAreRejectedBeforeTraining() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossRegionSimulation(spec(1, 1, 4, dense(), null, null), config("sync")));
        assertTrue(e.getMessage().contains("local-steps must be 1, got 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CrossRegionSimulation(spec(1, 1, 1, topk(0.1), null, null), config("deco")));
        assertTrue(e.getMessage().contains("[topology] or [network]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CrossRegionSimulation(spec(1, 1, 1, dense(), null, sites(2).flat()), config("deco")));
        assertTrue(e.getMessage().contains("compressor with a ratio") && e.getMessage().contains("identity"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config("allreduce"));
        assertTrue(e.getMessage().contains("'allreduce'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config("deco", "staleness", "9"));
        assertTrue(e.getMessage().contains("staleness") && e.getMessage().contains("9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config("local-sgd", "staleness", "1"));
        assertTrue(e.getMessage().contains("staleness = 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config("deco", "ratios", "1.5"));
        assertTrue(e.getMessage().contains("ratios") && e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void measuredPlacementMovesLeadersOffSlowLinksAndShortensTheSync() {
        // access links spread by a factor of up to 4 around 100 Mb/s: the lowest id is not the best aggregator
        TopologyConfig c = new TopologyConfig("flat", 2, null, "blocks", "declared", 1, 100, 1, 1000, 10, 50,
                null, null, 1000, 3.0, 65536);
        SiteTopology s = SiteTopology.create(c, WORKERS, SeedTree.root(11));
        DeviceModel dev = VirtualTimeTest.devices(p -> 0.01, 0);
        List<String> log = new ArrayList<>();
        int[] leaders;
        SimulationResult measured;
        try (CrossRegionSimulation sim = new CrossRegionSimulation(spec(3, 1, 2, dense(), dev, s.flat()),
                config("local-sgd", "placement", "measured"))) {
            measured = sim.run(new RoundListener() {
                @Override
                public void onRound(RoundMetrics m, RoundTiming t) {
                }

                @Override
                public void onLog(String line) {
                    log.add(line);
                }
            });
            leaders = sim.leaders();
        }
        // a leader's access link carries all its region's transfers, a worker's only its own: the slowest link
        // must not lead (with ties, e.g. when the slowest sender bounds every candidate, the lowest id leads)
        int[][] groups = {{0, 1, 2, 3}, {4, 5, 6}};
        for (int g = 0; g < 2; g++) {
            int slowest = groups[g][0];
            for (int w : groups[g]) {
                if (s.linkBytesPerSecond(w, g) < s.linkBytesPerSecond(slowest, g)) {
                    slowest = w;
                }
            }
            assertTrue(leaders[g] != slowest, "region " + g + ": " + log);
        }
        assertTrue(leaders[0] != 0 || leaders[1] != 4, "the spread moved at least one leader: " + log);
        SimulationResult lowest = run(spec(3, 1, 2, dense(), dev, s.flat()), config("local-sgd"), new ArrayList<>());
        double syncMeasured = measured.rounds().get(2).simSeconds() - measured.rounds().get(1).simSeconds();
        double syncLowest = lowest.rounds().get(2).simSeconds() - lowest.rounds().get(1).simSeconds();
        assertTrue(syncMeasured < syncLowest, syncMeasured + " vs " + syncLowest);
        assertArrayEquals(lowest.finalParams(), measured.finalParams(), 1e-6f, "placement changes time, not math");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config("local-sgd", "placement", "central"));
        assertTrue(e.getMessage().contains("placement") && e.getMessage().contains("'central'"), e.getMessage());
    }
}
