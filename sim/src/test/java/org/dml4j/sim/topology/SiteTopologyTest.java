package org.dml4j.sim.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dml4j.core.SeedTree;
import org.dml4j.sim.network.NetworkTopology;
import org.junit.jupiter.api.Test;

/** Sites, their links and the groupings of clients to edges. */
class SiteTopologyTest {
    private static TopologyConfig generated(int regions, String placement, String grouping, double spread) {
        return new TopologyConfig("hierarchical", regions, null, placement, grouping, 1, 100, 2, 1000, 10, 50, 5.0,
                null, 1000, spread, 65536);
    }

    private static SiteTopology sites(TopologyConfig c, int clients) {
        return SiteTopology.create(c, clients, SeedTree.root(3));
    }

    @Test
    void placementsPutClientsAtSites() {
        SiteTopology blocks = sites(generated(3, "blocks", "declared", 0), 7);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2, 2}, blocks.declaredGrouping());
        for (int c = 0; c < 7; c++) {
            assertEquals(blocks.declaredGrouping()[c], blocks.home(c));
        }
        SiteTopology rr = sites(generated(3, "round-robin", "declared", 0), 7);
        for (int c = 0; c < 7; c++) {
            assertEquals(c % 3, rr.home(c));
        }
    }

    @Test
    void linksAreFastAtHomeSlowElsewhereAndSpreadWithinBounds() {
        SiteTopology s = sites(generated(2, "blocks", "declared", 1.0), 10);
        for (int c = 0; c < 10; c++) {
            double home = s.linkBytesPerSecond(c, s.home(c));
            assertTrue(home >= 100 * 125_000 / 2.0 - 1e-6 && home <= 100 * 125_000 * 2.0 + 1e-6, "spread 1: x/2..2x");
            assertEquals(5 * 125_000, s.linkBytesPerSecond(c, 1 - s.home(c)), 1e-9, "cross-mbps caps");
            assertEquals(0.002, s.linkLatency(c, s.home(c)), 1e-12);
            assertEquals(0.102, s.linkLatency(c, 1 - s.home(c)), 1e-12, "lan + 2 wan by default");
        }
        NetworkTopology flat = s.flat();
        assertEquals(2, flat.regions());
        assertEquals(s.home(7), flat.regionOf(7));
        assertEquals(10 * 125_000, flat.regionUplink(1).bytesPerSecond(0), 1e-9);
        assertEquals(2, s.edges().clients());
    }

    @Test
    void measuredGroupingFindsWhereClientsAreWhenTheDeclarationIsWrong() {
        SiteTopology s = sites(generated(3, "random", "measured", 0.3), 30);
        int[] measured = Grouping.assign(s, "measured", SeedTree.root(3));
        int[] declared = Grouping.assign(s, "declared", SeedTree.root(3));
        int wrong = 0;
        for (int c = 0; c < 30; c++) {
            assertEquals(s.home(c), measured[c], "client " + c);
            wrong += declared[c] != s.home(c) ? 1 : 0;
        }
        assertTrue(wrong > 0, "id ranges differ from a random placement");
        double[][] t = Grouping.probeSeconds(s);
        long bytes = 65536;
        assertEquals(0.002 + bytes / s.linkBytesPerSecond(0, s.home(0)), t[0][s.home(0)], 1e-12);
        int[] random = Grouping.assign(s, "random", SeedTree.root(3));
        assertNotEquals(java.util.Arrays.toString(measured), java.util.Arrays.toString(random));
    }

    @Test
    void lanRoundsShareTheEdgeCapacity() {
        // two clients at 100 Mb/s behind an edge of 1 Mb/s: each gets 0.5 Mb/s each way
        TopologyConfig c = new TopologyConfig("hierarchical", 1, null, "blocks", "declared", 1, 100, 2, 1, 10, 50,
                null, null, 1000, 0, 65536);
        SiteTopology s = sites(c, 2);
        LanTiming lan = new LanTiming(s, new int[] {0, 0}, null);
        double t = lan.roundSeconds(0, new int[] {0, 1}, new long[] {125_000, 125_000}, new int[] {1, 1},
                new long[] {125_000, 125_000});
        assertEquals(2 * (2.0 + 0.002), t, 1e-9);
        // a failed client uploads nothing: the other one then has the edge to itself on the way up
        t = lan.roundSeconds(0, new int[] {0, 1}, new long[] {125_000, 125_000}, new int[] {1, 1},
                new long[] {125_000, 0});
        assertEquals(2.002 + 1.002, t, 1e-9);
    }

    @Test
    void badTopologiesAreRejectedWithTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopologyConfig("tree",
                2, null, "random", "declared", 1, 100, 2, 1000, 10, 50, null, null, 1000, 0, 1));
        assertTrue(e.getMessage().contains("mode") && e.getMessage().contains("'tree'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TopologyConfig("flat", 2, null, "random",
                "declared", 1, 100, 2, 1000, 0, 50, null, null, 1000, 0, 1));
        assertTrue(e.getMessage().contains("wan-mbps") && e.getMessage().contains("0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TopologyConfig("flat", 2, null, "random",
                "nearest", 1, 100, 2, 1000, 10, 50, null, null, 1000, 0, 1));
        assertTrue(e.getMessage().contains("grouping"), e.getMessage());
        SiteConfig a = new SiteConfig("a", new int[] {0, 9}, null, null, null, null);
        TopologyConfig unknown = new TopologyConfig("flat", 0, new SiteConfig[] {a}, "random", "declared", 1, 100,
                2, 1000, 10, 50, null, null, 1000, 0, 1);
        e = assertThrows(IllegalArgumentException.class, () -> sites(unknown, 3));
        assertTrue(e.getMessage().contains("unknown node id 9"), e.getMessage());
        SiteConfig b = new SiteConfig("b", new int[] {0, 1}, null, null, null, null);
        SiteConfig b2 = new SiteConfig("c", new int[] {1}, null, null, null, null);
        TopologyConfig twice = new TopologyConfig("flat", 0, new SiteConfig[] {b, b2}, "random", "declared", 1, 100,
                2, 1000, 10, 50, null, null, 1000, 0, 1);
        e = assertThrows(IllegalArgumentException.class, () -> sites(twice, 3));
        assertTrue(e.getMessage().contains("client 1 is already at site 'b'"), e.getMessage());
        TopologyConfig missing = new TopologyConfig("flat", 0, new SiteConfig[] {b}, "random", "declared", 1, 100,
                2, 1000, 10, 50, null, null, 1000, 0, 1);
        e = assertThrows(IllegalArgumentException.class, () -> sites(missing, 3));
        assertTrue(e.getMessage().contains("client 2 is at no site"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SiteConfig("x", new int[] {0}, 0.0, null, null,
                null));
        assertTrue(e.getMessage().contains("site 'x': lan-mbps"), e.getMessage());
        // 8 generated sites, 3 clients: an edge would be empty
        e = assertThrows(IllegalArgumentException.class, () -> sites(generated(8, "random", "declared", 0), 3));
        assertTrue(e.getMessage().contains("8 sites for 3 clients"), e.getMessage());
        SiteTopology three = sites(generated(3, "round-robin", "declared", 0), 3);
        e = assertThrows(IllegalArgumentException.class, () -> Grouping.assign(three, "nearest", SeedTree.root(1)));
        assertTrue(e.getMessage().contains("grouping") && e.getMessage().contains("'nearest'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sites(generated(0, "random", "declared", 0), 3));
        assertTrue(e.getMessage().contains("regions >= 1"), e.getMessage());
    }
}
