package org.dml4j.sim.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.core.SeedTree;
import org.junit.jupiter.api.Test;

/** Measured grouping that follows link changes, and the placement of edge aggregators. */
class RegroupingAndPlacementTest {
    private static final long MODEL = 400_000;

    /** Sites a = {0, 1, 2} and b = {3, 4, 5}; LAN 100 Mb/s, cross links 5 Mb/s; the given link changes. */
    private static SiteTopology twoSites(LinkChange... changes) {
        SiteConfig a = new SiteConfig("a", new int[] {0, 1, 2}, null, null, null, null);
        SiteConfig b = new SiteConfig("b", new int[] {3, 4, 5}, null, null, null, null);
        TopologyConfig c = new TopologyConfig("hierarchical", 0, new SiteConfig[] {a, b}, "random", "measured", 2,
                100, 2, 1000, 10, 50, 5.0, null, 1000, 0, 65536, changes, "dedicated");
        return SiteTopology.create(c, 6, SeedTree.root(5));
    }

    @Test
    void groupingFollowsALinkChangeAtTheNextCloudRound() {
        // Prepare: from t = 10 s client 1's path to site a's edge degrades to 1 Mb/s and a 100 Mb/s, 2 ms link to
        // site b's edge appears (the client moved)
        SiteTopology s = twoSites(new LinkChange(10, 1, "a", 1, null), new LinkChange(10, 1, "b", 100, 2.0));
        int[] initial = Grouping.assign(s, "measured", SeedTree.root(5));
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, initial);
        assertEquals(100 * 125_000, s.linkBytesPerSecond(1, 0, 9.99), 1e-9);
        assertEquals(125_000, s.linkBytesPerSecond(1, 0, 10), 1e-9);
        assertEquals(0.002, s.linkLatency(1, 1, 10), 1e-12);
        Regrouping r = new Regrouping(s, initial, null);
        // Execute / Assert: rounds before the change keep the groups, the first round after it regroups
        assertArrayEquals(new int[] {0, 1, 2}, r.clientsOf(0, 0));
        assertArrayEquals(new int[] {0, 1, 2}, r.clientsOf(0, 7.5));
        assertTrue(r.drain().isEmpty());
        r.measureAt(12.5);
        assertArrayEquals(new int[] {0, 2}, r.clientsOf(0, 12.5));
        assertArrayEquals(new int[] {1, 3, 4, 5}, r.clientsOf(1, 12.5));
        List<Regrouping.Change> changes = r.drain();
        assertEquals(1, changes.size());
        assertEquals(12.5, changes.get(0).at());
        assertArrayEquals(initial, changes.get(0).before());
        assertArrayEquals(new int[] {0, 1, 0, 1, 1, 1}, changes.get(0).after());
        assertArrayEquals(new int[] {0, 1, 0, 1, 1, 1}, Grouping.measured(s, 12.5, null));
        // no further change: no new probes, no new regrouping
        r.measureAt(20);
        assertTrue(r.drain().isEmpty());
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> r.clientsOf(0, 15));
        assertTrue(late.getMessage().contains("synchronous"), late.getMessage());
    }

    @Test
    void badLinkChangesNameTheKeyAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinkChange(1, 0, "a", 0, null));
        assertTrue(e.getMessage().contains("mbps must be finite and > 0, got 0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LinkChange(-1, 0, "a", 5, null));
        assertTrue(e.getMessage().contains("at must be finite and >= 0, got -1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> twoSites(new LinkChange(1, 0, "zz", 5, null)));
        assertTrue(e.getMessage().contains("unknown site 'zz' (sites are a, b)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> twoSites(new LinkChange(1, 9, "a", 5, null)));
        assertTrue(e.getMessage().contains("unknown node id 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TopologyConfig("hierarchical", 2, null,
                "blocks", "declared", 1, 100, 2, 1000, 10, 50, null, null, 1000, 0, 65536, null, "central"));
        assertTrue(e.getMessage().contains("edge-host must be one of dedicated, declared, random, measured, got"
                + " 'central'"), e.getMessage());
    }

    /** Two generated sites of four clients each whose access links differ (spread 4). */
    private static SiteTopology spreadSites(int seed) {
        TopologyConfig c = new TopologyConfig("hierarchical", 2, null, "blocks", "declared", 2, 100, 2, 1000, 1000,
                5, null, null, 10_000, 4, 65536, null, "measured");
        return SiteTopology.create(c, 8, SeedTree.root(seed));
    }

    @Test
    void measuredPlacementHasTheShortestSimulatedRound() {
        for (int seed = 1; seed <= 4; seed++) {
            // Prepare
            SiteTopology s = spreadSites(seed);
            int[] edgeOf = s.declaredGrouping();
            // Execute
            int[] measured = Placement.hosts(s, "measured", edgeOf, SeedTree.root(seed), MODEL, 5, 2, null);
            int[] declared = Placement.hosts(s, "declared", edgeOf, SeedTree.root(seed), MODEL, 5, 2, null);
            int[] random = Placement.hosts(s, "random", edgeOf, SeedTree.root(seed), MODEL, 5, 2, null);
            // Assert: no other choice of hosts (all 4 x 4 of them) has a shorter simulated cloud round
            double tm = Placement.cloudRoundSeconds(s, measured, edgeOf, MODEL, 5, 2, null);
            double worst = 0;
            for (int h0 = 0; h0 < 4; h0++) {
                for (int h1 = 4; h1 < 8; h1++) {
                    double t = Placement.cloudRoundSeconds(s, new int[] {h0, h1}, edgeOf, MODEL, 5, 2, null);
                    assertTrue(tm <= t, "seed " + seed + ": measured " + tm + " s, hosts " + h0 + "," + h1 + " " + t);
                    worst = Math.max(worst, t);
                }
            }
            assertTrue(tm <= Placement.cloudRoundSeconds(s, declared, edgeOf, MODEL, 5, 2, null));
            assertTrue(tm <= Placement.cloudRoundSeconds(s, random, edgeOf, MODEL, 5, 2, null));
            assertTrue(tm < worst, "the access links differ, so the host matters");
            assertArrayEquals(new int[] {0, 4}, declared, "the sites' lowest ids");
        }
        assertNull(Placement.hosts(spreadSites(1), "dedicated", spreadSites(1).declaredGrouping(), SeedTree.root(1),
                MODEL, 5, 2, null));
    }

    @Test
    void aHostedEdgesRoundIsItsHostsAccessLinkShared() {
        // Prepare: one site, no spread: four 100 Mb/s clients, the edge on client 0
        TopologyConfig c = new TopologyConfig("hierarchical", 1, null, "blocks", "declared", 1, 100, 2, 1000, 10,
                50, null, null, 1000, 0, 65536, null, "declared");
        SiteTopology s = SiteTopology.create(c, 4, SeedTree.root(1));
        long[] bytes = {MODEL, MODEL, MODEL, MODEL};
        // Execute
        double hosted = new LanTiming(s, (org.dml4j.sim.device.DeviceModel) null, new int[] {0}).roundSeconds(0, new int[] {0, 1, 2, 3}, bytes,
                new int[4], bytes, 0);
        double dedicated = new LanTiming(s, (org.dml4j.sim.device.DeviceModel) null, (int[]) null).roundSeconds(0, new int[] {0, 1, 2, 3}, bytes, new int[4],
                bytes, 0);
        // Assert: three clients share the host's 100 Mb/s each way; the host's own copy does not cross the network
        double share = 3 * MODEL / (100 * 125_000.0);
        assertEquals(2 * (0.002 + share), hosted, 1e-9);
        assertEquals(2 * (0.002 + MODEL / (100 * 125_000.0)), dedicated, 1e-9, "1 Gb/s edge: each its own link");
    }
}
