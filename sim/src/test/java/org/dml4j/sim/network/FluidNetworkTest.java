package org.dml4j.sim.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.engine.EventHandler;
import org.junit.jupiter.api.Test;

class FluidNetworkTest {
    private static final int S = NetworkTopology.SERVER;

    /** Records the delivery time of each transfer, by its argument. */
    private static final class Deliveries implements EventHandler {
        final EventEngine engine;
        final Map<Long, Double> at = new HashMap<>();

        Deliveries(EventEngine engine) {
            this.engine = engine;
        }

        @Override
        public void onEvent(long arg) {
            at.put(arg, engine.now());
        }
    }

    /** Clients with the given uplinks (bytes/s), fast downlinks, no latency; server ingress {@code ingress}. */
    private static Topology star(double ingress, double... uplinks) {
        return Topology.builder(uplinks.length)
                .clients(n -> BandwidthProfile.constant(uplinks[n]), n -> BandwidthProfile.constant(1e12), n -> 0)
                .server(BandwidthProfile.constant(1e12), BandwidthProfile.constant(ingress), 0)
                .build();
    }

    @Test
    void equalUploadsThroughTheServersIngressFinishTogetherAtTheFluidTime() {
        for (int n : new int[] {1, 2, 4, 8, 64}) {
            // Prepare: ingress 2^20 B/s, each client 1,000,000 bytes; C/n is exact in binary
            double c = 1 << 20;
            double[] ups = new double[n];
            java.util.Arrays.fill(ups, 1e9);
            EventEngine engine = new EventEngine();
            FluidNetwork net = new FluidNetwork(engine, star(c, ups));
            Deliveries d = new Deliveries(engine);
            for (int i = 0; i < n; i++) {
                net.send(i, S, 1_000_000, d, i);
            }

            // Execute
            engine.run();

            // Assert: every upload finishes at n * S / C exactly
            double expected = n * 1_000_000 / c;
            for (long i = 0; i < n; i++) {
                assertEquals(expected, d.at.get(i), 0.0, "n=" + n + " client " + i);
            }
            assertEquals(n * 1_000_000L, net.deliveredBytes());
            assertEquals(0, net.inFlight());
        }
    }

    @Test
    void equalUploadsWithANonBinaryShareMatchTheClosedFormToRounding() {
        // Prepare: 3 clients through a 1 MB/s ingress, 12 Mb/s uplinks and 20 ms latency each, 10 ms at the server
        int n = 3;
        Topology t = Topology.builder(n)
                .clients(i -> BandwidthProfile.constant(BandwidthProfile.mbps(12)), i -> BandwidthProfile.constant(1e9),
                        i -> 0.020)
                .server(BandwidthProfile.constant(1e9), BandwidthProfile.constant(1e6), 0.010)
                .build();
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, t);
        Deliveries d = new Deliveries(engine);
        for (int i = 0; i < n; i++) {
            net.send(i, S, 700_001, d, i);
        }

        // Execute
        engine.run();

        // Assert: 3 * 700001 / 1e6 + 0.030 for each, to a few ulps; all three at the same instant
        double expected = 3 * 700_001 / 1e6 + 0.030;
        for (long i = 0; i < n; i++) {
            assertEquals(expected, d.at.get(i), 4 * Math.ulp(expected));
            assertEquals(d.at.get(0L), d.at.get(i), 0.0);
        }
    }

    @Test
    void maxMinFairnessWithUnequalDemands() {
        // Prepare: ingress 10 MB/s; uplinks 1, 2, 10, 10 MB/s -> max-min rates 1, 2, 3.5, 3.5
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, star(10e6, 1e6, 2e6, 10e6, 10e6));
        Deliveries d = new Deliveries(engine);
        long[] sizes = {10_000_000, 10_000_000, 7_000_000, 14_000_000};
        long[] ids = new long[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = net.send(i, S, sizes[i], d, i);
        }

        // Execute: the start instant only
        engine.runUntil(0);

        // Assert
        assertEquals(1e6, net.rate(ids[0]), 1e-6);
        assertEquals(2e6, net.rate(ids[1]), 1e-6);
        assertEquals(3.5e6, net.rate(ids[2]), 1e-6);
        assertEquals(3.5e6, net.rate(ids[3]), 1e-6);

        // Execute: to the end
        engine.run();

        // Assert. Client 2 sends 7 MB at 3.5 by 2 s. Then client 3 (7 MB left) gets 10 - 1 - 2 = 7 MB/s: done at
        // 3 s. Client 1 (6 MB sent by then) stays capped at 2: done at 5 s; client 0 at 1 MB/s: 10 s.
        assertEquals(2.0, d.at.get(2L), 1e-12);
        assertEquals(3.0, d.at.get(3L), 1e-12);
        assertEquals(5.0, d.at.get(1L), 1e-12);
        assertEquals(10.0, d.at.get(0L), 1e-12);
    }

    /**
     * On random topologies (access links, regions, pair caps) the rates are max-min fair: no link is over its
     * capacity, and every transfer has a bottleneck, a saturated link on which no transfer gets more than it does.
     */
    @Test
    void ratesAreMaxMinFairOnRandomTopologies() {
        for (long seed = 1; seed <= 200; seed++) {
            // Prepare
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            int clients = 2 + rnd.nextInt(7);
            double[] up = new double[clients];
            double[] down = new double[clients];
            for (int i = 0; i < clients; i++) {
                up[i] = Math.exp(rnd.nextDouble(0, 4.6));
                down[i] = Math.exp(rnd.nextDouble(0, 4.6));
            }
            int regions = rnd.nextInt(3);
            int[] region = new int[clients];
            for (int i = 0; i < clients; i++) {
                region[i] = regions == 0 ? -1 : rnd.nextInt(regions + 1) - 1;
            }
            BandwidthProfile[] wanUp = new BandwidthProfile[regions];
            BandwidthProfile[] wanDown = new BandwidthProfile[regions];
            for (int r = 0; r < regions; r++) {
                wanUp[r] = BandwidthProfile.constant(Math.exp(rnd.nextDouble(0, 5)));
                wanDown[r] = BandwidthProfile.constant(Math.exp(rnd.nextDouble(0, 5)));
            }
            Topology.Builder b = Topology.builder(clients)
                    .clients(i -> BandwidthProfile.constant(up[i]), i -> BandwidthProfile.constant(down[i]), i -> 0)
                    .server(BandwidthProfile.constant(Math.exp(rnd.nextDouble(1, 6))),
                            BandwidthProfile.constant(Math.exp(rnd.nextDouble(1, 6))), 0)
                    .regions(wanUp, wanDown, new double[regions], i -> region[i], -1);
            for (int k = rnd.nextInt(3); k > 0; k--) {
                int from = rnd.nextInt(clients + 1) - 1;
                int to = rnd.nextInt(clients + 1) - 1;
                if (from != to) {
                    b.link(from, to, new NetworkTopology.LinkOverride(
                            BandwidthProfile.constant(Math.exp(rnd.nextDouble(0, 4))), Double.NaN));
                }
            }
            EventEngine engine = new EventEngine();
            FluidNetwork net = new FluidNetwork(engine, b.build());
            java.util.List<Long> ids = new java.util.ArrayList<>();
            for (int k = 1 + rnd.nextInt(14); k > 0; k--) {
                int from = rnd.nextInt(clients + 1) - 1;
                int to = rnd.nextInt(clients + 1) - 1;
                if (from != to) {
                    ids.add(net.send(from, to, 1_000_000_000L, a -> { }, 0));
                }
            }

            // Execute
            engine.runUntil(0);

            // Assert
            Map<FluidNetwork.Link, Double> load = new HashMap<>();
            Map<FluidNetwork.Link, Double> maxRate = new HashMap<>();
            for (long id : ids) {
                assertTrue(net.rate(id) > 0, "seed " + seed);
                for (int h = 0; h < net.hops(id); h++) {
                    load.merge(net.link(id, h), net.rate(id), Double::sum);
                    maxRate.merge(net.link(id, h), net.rate(id), Math::max);
                }
            }
            load.forEach((l, sum) -> assertTrue(sum <= l.capacity * (1 + 1e-9), l.name + " over capacity"));
            for (long id : ids) {
                boolean bottleneck = false;
                for (int h = 0; h < net.hops(id); h++) {
                    FluidNetwork.Link l = net.link(id, h);
                    bottleneck |= load.get(l) >= l.capacity * (1 - 1e-9) && net.rate(id) >= maxRate.get(l) * (1 - 1e-9);
                }
                assertTrue(bottleneck, "seed " + seed + ": transfer " + id + " has no bottleneck");
            }
        }
    }

    @Test
    void aLaterStartSlowsTheFirstTransfer() {
        // Prepare: ingress 1 MB/s; A starts at 0 with 3 MB, B at 1 s with 1 MB
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, star(1e6, 1e9, 1e9));
        Deliveries d = new Deliveries(engine);
        net.send(0, S, 3_000_000, d, 0);
        engine.schedule(1.0, a -> net.send(1, S, 1_000_000, d, 1), 0);

        // Execute
        engine.run();

        // Assert: A alone 1 MB by 1 s; both at 0.5 MB/s: B done at 3 s (A has 2 - 1 = 1 MB left); A done at 4 s
        assertEquals(3.0, d.at.get(1L), 1e-12);
        assertEquals(4.0, d.at.get(0L), 1e-12);
    }

    @Test
    void aTraceChangeMidTransferChangesTheRate() {
        // Prepare: ingress 1 MB/s until 2 s, then 3 MB/s; one 5 MB upload and a fast client
        BandwidthProfile ingress = new BandwidthTrace(new double[] {0, 2}, new double[] {1e6, 3e6}, false);
        Topology t = Topology.builder(1)
                .clients(i -> BandwidthProfile.constant(1e9), i -> BandwidthProfile.constant(1e9), i -> 0)
                .server(BandwidthProfile.constant(1e9), ingress, 0)
                .build();
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, t);
        Deliveries d = new Deliveries(engine);
        net.send(0, S, 5_000_000, d, 0);

        // Execute
        engine.run();

        // Assert: 2 MB in the first 2 s, the remaining 3 MB at 3 MB/s: done at 3 s
        assertEquals(3.0, d.at.get(0L), 1e-12);
        assertEquals(0, engine.pending(), "no capacity-change event is left once the link is idle");
    }

    @Test
    void aLoopedTraceKeepsChangingWhileBusy() {
        // Prepare: uplink alternates 1 MB/s (1 s) and 2 MB/s (1 s); 7 MB upload: 1+2+1+2 = 6 by 4 s, then 1 MB at 1
        BandwidthProfile upTrace = new BandwidthTrace(new double[] {0, 1}, new double[] {1e6, 2e6}, true);
        Topology t = Topology.builder(1)
                .clients(i -> upTrace, i -> BandwidthProfile.constant(1e9), i -> 0)
                .server(BandwidthProfile.constant(1e9), BandwidthProfile.constant(1e9), 0)
                .build();
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, t);
        Deliveries d = new Deliveries(engine);
        net.send(0, S, 7_000_000, d, 0);

        // Execute
        engine.run();

        // Assert
        assertEquals(5.0, d.at.get(0L), 1e-12);
    }

    @Test
    void aRegionsWanLinkIsSharedByItsClientsOnly() {
        // Prepare: clients 0, 1 in region 0 (WAN out 1 MB/s), client 2 in none; fast access links and server
        Topology t = Topology.builder(3)
                .clients(i -> BandwidthProfile.constant(1e9), i -> BandwidthProfile.constant(1e9), i -> 0.001)
                .server(BandwidthProfile.constant(1e9), BandwidthProfile.constant(1e9), 0)
                .regions(new BandwidthProfile[] {BandwidthProfile.constant(1e6)},
                        new BandwidthProfile[] {BandwidthProfile.constant(1e9)}, new double[] {0.050},
                        i -> i < 2 ? 0 : -1, -1)
                .build();
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, t);
        Deliveries d = new Deliveries(engine);
        net.send(0, S, 1_000_000, d, 0);
        net.send(1, S, 1_000_000, d, 1);
        net.send(2, S, 1_000_000_000L, d, 2);
        net.send(0, 1, 1_000_000_000L, d, 3); // inside the region: no WAN

        // Execute
        engine.run();

        // Assert: 0 and 1 share 1 MB/s -> 2 s + 1 ms + 50 ms; 2 gets the rest of the server's 1 GB/s ingress
        assertEquals(2.051, d.at.get(0L), 1e-12);
        assertEquals(2.051, d.at.get(1L), 1e-12);
        assertEquals(1e9 / (1e9 - 1e6) + 0.001, d.at.get(2L), 1e-12);
        // client 0 -> client 1: shares client 0's uplink (1e9) with the WAN-limited upload; max-min gives it the rest
        assertTrue(d.at.get(3L) > 1.0 && d.at.get(3L) < 1.01, "intra-region transfer at " + d.at.get(3L));
    }

    @Test
    void aLinkOverrideCapsThePairAndSetsItsLatency() {
        // Prepare: client 1 -> server capped at 0.5 MB/s with 200 ms latency
        Topology t = Topology.builder(2)
                .clients(i -> BandwidthProfile.constant(1e9), i -> BandwidthProfile.constant(1e9), i -> 0.010)
                .server(BandwidthProfile.constant(1e9), BandwidthProfile.constant(1e9), 0)
                .link(1, S, new NetworkTopology.LinkOverride(BandwidthProfile.constant(0.5e6), 0.200))
                .build();
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, t);
        Deliveries d = new Deliveries(engine);
        net.send(0, S, 1_000_000, d, 0);
        net.send(1, S, 1_000_000, d, 1);
        net.send(S, 1, 1_000_000, d, 2); // the other direction is not overridden

        // Execute
        engine.run();

        // Assert
        assertEquals(1e6 / (1e9 - 0.5e6) + 0.010, d.at.get(0L), 1e-12); // shares the ingress with client 1
        assertEquals(2.0 + 0.200, d.at.get(1L), 1e-12);
        assertEquals(0.001 + 0.010, d.at.get(2L), 1e-12);
    }

    @Test
    void cancellingATransferGivesItsShareToTheOthers() {
        // Prepare: two 2 MB uploads share 1 MB/s; the first is cancelled at 1 s
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, star(1e6, 1e9, 1e9));
        Deliveries d = new Deliveries(engine);
        long a = net.send(0, S, 2_000_000, d, 0);
        long b = net.send(1, S, 2_000_000, d, 1);
        engine.schedule(1.0, x -> assertTrue(net.cancel(a)), 0);

        // Execute
        engine.runUntil(1.0);
        assertEquals(1_500_000, net.remainingBytes(b), 1e-6);
        assertEquals(1e6, net.rate(b), 1e-6);
        engine.run();

        // Assert: B has 1.5 MB left at 1 s, alone at 1 MB/s -> 2.5 s; A never delivered
        assertEquals(2.5, d.at.get(1L), 1e-12);
        assertFalse(d.at.containsKey(0L));
        assertFalse(net.isActive(a));
        assertFalse(net.cancel(a));
        assertEquals(0, net.inFlight());
    }

    @Test
    void anEmptyMessageArrivesAfterTheLatency() {
        Topology t = Topology.builder(1)
                .clients(i -> BandwidthProfile.constant(1e3), i -> BandwidthProfile.constant(1e3), i -> 0.25)
                .server(BandwidthProfile.constant(1e3), BandwidthProfile.constant(1e3), 0.5)
                .build();
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, t);
        Deliveries d = new Deliveries(engine);
        net.send(S, 0, 0, d, 7);
        engine.run();
        assertEquals(0.75, d.at.get(7L), 0.0);
    }

    @Test
    void linksAreCreatedOnlyForNodesThatSend() {
        // Prepare: 100,000 clients whose profiles count how often they are asked for
        int[] asked = new int[1];
        Topology t = Topology.builder(100_000)
                .clients(i -> {
                    asked[0]++;
                    return BandwidthProfile.constant(1e6 + i);
                }, i -> BandwidthProfile.constant(1e9), i -> 0)
                .server(BandwidthProfile.constant(1e9), BandwidthProfile.constant(1e9), 0)
                .build();
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, t);
        Deliveries d = new Deliveries(engine);

        // Execute: 5 clients send twice each
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5; i++) {
                net.send(i * 20_000, S, 1000, d, i);
            }
            engine.run();
        }

        // Assert: 5 uplinks + the server's downlink
        assertEquals(6, net.linksCreated());
        assertEquals(5, asked[0]);
    }

    @Test
    void rejectsUnknownNodesAndBadSizes() {
        EventEngine engine = new EventEngine();
        FluidNetwork net = new FluidNetwork(engine, star(1e6, 1e6, 1e6));
        EventHandler h = a -> { };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.send(2, S, 1, h, 0));
        assertTrue(e.getMessage().contains("from") && e.getMessage().contains("2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.send(0, -7, 1, h, 0));
        assertTrue(e.getMessage().contains("to") && e.getMessage().contains("-7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.send(0, 0, 1, h, 0));
        e = assertThrows(IllegalArgumentException.class, () -> net.send(0, S, -1, h, 0));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Topology.builder(2)
                .link(5, S, new NetworkTopology.LinkOverride(null, 0.1)));
        assertTrue(e.getMessage().contains("unknown node id 5"), e.getMessage());
    }
}
