package org.dml4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.Compression;
import org.dml4j.fl.Coordinator;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.async.FedBuff;
import org.dml4j.fl.async.FedLuck;
import org.dml4j.sim.device.Availability;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.device.Devices;
import org.dml4j.sim.network.NetworkProvider;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.network.UniformNetworkConfig;
import org.junit.jupiter.api.Test;

/** Runs on the virtual clock: transfer times from the fluid network, compute times, and replay across threads. */
class VirtualTimeTest {
    private static NetworkTopology uniform(int clients, double uplinkMbps, double ingressMbps) {
        return NetworkProvider.REGISTRY.get("uniform").create(new UniformNetworkConfig(uplinkMbps, 1, 0, null, null,
                false, ingressMbps, 1000, 0, null, null, null), clients, SeedTree.root(1), null);
    }

    private static SimulationSpec spec(int threads, Strategy strategy, DeviceModel compute, NetworkTopology net,
                                       int rounds) {
        return new SimulationSpec(11, rounds, threads, 1, FederatedSimulationTest.clients(false),
                FederatedSimulationTest.data(50, 99, false), FederatedSimulationTest.FakeModel::new, strategy,
                Compression.uplinkOnly(new IdentityCompressor.IdentityConfig()),
                new LocalTraining(8, 1, 0, round -> 0.1, 0f, 0f), compute, net);
    }

    static DeviceModel devices(java.util.function.IntToDoubleFunction secondsPerStep, double dropout) {
        return new Devices(7, secondsPerStep, Availability.always(), dropout, SeedTree.root(5));
    }

    private static SimulationResult run(SimulationSpec spec, List<String> events) {
        try (FederatedSimulation sim = new FederatedSimulation(spec)) {
            return sim.run(new RoundListener() {
                @Override
                public void onRound(RoundMetrics metrics, RoundTiming timing) {
                }

                @Override
                public void onEventLog(String jsonLine) {
                    events.add(jsonLine);
                }
            });
        }
    }

    @Test
    void equalUploadsThroughTheServersIngressFinishAtTheFluidModelTime() {
        // 7 clients each upload a dense 4-parameter update (12-byte header + 16 bytes) through a 125 B/s ingress
        long bytes = 28;
        double ingress = 125;
        SimulationResult r = run(spec(2, new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0), null,
                uniform(7, 1, ingress * 8 / 1e6), 2), new ArrayList<>());
        double download = bytes / 125_000.0; // each client's own 1 Mb/s downlink is its bottleneck
        double upload = 7 * bytes / ingress;  // the seven share the ingress equally and finish together
        assertEquals(download + upload, r.rounds().get(0).simSeconds(), 1e-9);
        assertEquals(2 * (download + upload), r.rounds().get(1).simSeconds(), 1e-9);
    }

    @Test
    void sameSeedGivesTheSameEventLogWithOneAndTwoWorkerThreads() throws Exception {
        DeviceModel compute = devices(p -> 0.05 * (1 + p % 3), 0);
        List<String> one = new ArrayList<>();
        List<String> two = new ArrayList<>();
        Strategy a = new FedBuff(new FedBuff.FedBuffConfig(3, 1f, 5, "uniform", "polynomial", 0.5, 0, -1));
        Strategy b = new FedBuff(new FedBuff.FedBuffConfig(3, 1f, 5, "uniform", "polynomial", 0.5, 0, -1));
        SimulationResult r1 = run(spec(1, a, compute, uniform(7, 0.001, 1), 12), one);
        SimulationResult r2 = run(spec(2, b, compute, uniform(7, 0.001, 1), 12), two);
        assertEquals(Coordinator.EVENT_LOG_HEADER, one.get(0));
        assertEquals(sha256(one), sha256(two));
        assertArrayEquals(r1.finalParams(), r2.finalParams());
        assertTrue(one.stream().anyMatch(l -> l.contains("\"base\":0") && !l.contains("\"version\"")),
                "some replies are stale");
        double t = 0;
        for (RoundMetrics m : r1.rounds()) {
            assertTrue(m.simSeconds() > t, "virtual time advances with every version");
            t = m.simSeconds();
        }
    }

    @Test
    void fedLuckChoosesStepsAndRatiosFromMeasuredSpeeds() {
        DeviceModel compute = devices(p -> p < 4 ? 0.1 : 0.4, 0);
        List<String> log = new ArrayList<>();
        FedLuck luck = new FedLuck(new FedLuck.FedLuckConfig(1.5, 0.7f, 2, 60, 0.01, 1.0, 2, -1));
        SimulationSpec s = new SimulationSpec(11, 6, 2, 1, FederatedSimulationTest.clients(false),
                FederatedSimulationTest.data(50, 99, false), FederatedSimulationTest.FakeModel::new, luck,
                Compression.uplinkOnly(FederatedSimulationTest.topk(java.util.Map.of("ratio", 0.5))),
                new LocalTraining(8, 1, 0, round -> 0.1, 0f, 0f), compute, null);
        try (FederatedSimulation sim = new FederatedSimulation(s)) {
            sim.run(new RoundListener() {
                @Override
                public void onRound(RoundMetrics metrics, RoundTiming timing) {
                }

                @Override
                public void onLog(String line) {
                    log.add(line);
                }
            });
        }
        assertEquals(7, log.size(), log.toString());
        // no network: uploads take no time, beta = 0, so the bound is minimised by the fastest round (k, δ) = ...
        int[] k = luck.chosenSteps();
        assertTrue(k[0] > k[6], "faster devices take more local steps: " + java.util.Arrays.toString(k));
    }

    @Test
    void dropoutsReachTheStrategyAsLostTasksAndTheRunGoesOn() {
        List<String> events = new ArrayList<>();
        SimulationResult r = run(spec(2, new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0), devices(p -> 0.1, 0.3), null,
                8), events);
        int lost = 0;
        for (int p = 0; p < 7; p++) {
            lost += r.stats().lost(p);
        }
        assertTrue(lost > 0, "30% of tasks drop out");
        assertEquals(lost, r.rounds().stream().mapToInt(RoundMetrics::failed).sum(), "and are counted as failed");
        assertTrue(events.stream().anyMatch(l -> l.contains("\"e\":\"lost\"") && l.contains("dropout")));
        assertTrue(events.stream().anyMatch(l -> l.contains("\"e\":\"idle\"")), "dropped devices come back");
    }

    @Test
    void devicesThatGoOfflineLoseTheirTasksAndComeBack() {
        List<String> events = new ArrayList<>();
        DeviceModel part = new Devices(7, p -> 0.5, Availability.periodic(20, 0.5, SeedTree.root(9)), 0,
                SeedTree.root(5));
        SimulationResult r = run(spec(2, new FedBuff(new FedBuff.FedBuffConfig(2, 1f, 0, "uniform", "constant", 0, 0,
                -1)), part, null, 15), events);
        assertEquals(15, r.rounds().size());
        assertTrue(events.stream().anyMatch(l -> l.contains("\"e\":\"lost\"") && l.contains("offline")), "offline");
        assertTrue(events.stream().anyMatch(l -> l.contains("\"e\":\"idle\"")), "back online");
    }

    private static String sha256(List<String> lines) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (String l : lines) {
            d.update(l.getBytes(StandardCharsets.UTF_8));
            d.update((byte) '\n');
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
