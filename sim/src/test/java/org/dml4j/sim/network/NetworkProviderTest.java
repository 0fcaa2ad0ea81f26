package org.dml4j.sim.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dml4j.core.SeedTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkProviderTest {
    private static final SeedTree SEEDS = SeedTree.root(7);
    private static final int S = NetworkTopology.SERVER;

    @TempDir
    Path dir;

    private static NetworkTopology create(NetworkConfig c, int clients, Path base) {
        NetworkProvider p = NetworkProvider.REGISTRY.all().values().stream()
                .filter(x -> x.configType() == c.getClass()).findFirst().orElseThrow();
        return p.create(c, clients, SEEDS, base);
    }

    @Test
    void theRegistryKnowsBothTypes() {
        assertEquals(List.of("fleet", "uniform"), NetworkProvider.REGISTRY.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkProvider.REGISTRY.get("lte"));
        assertTrue(e.getMessage().contains("fleet, uniform"), e.getMessage());
    }

    @Test
    void theMobilePresetDrawsUplinksBetweenOneAndTwentyMegabits() {
        // Prepare
        FleetNetworkConfig c = FleetNetworkConfig.ofPreset("mobile");
        NetworkTopology t = create(c, 100_000, null);
        NetworkTopology again = create(c, 100_000, null);

        // Execute: sample base rates through a constant-variability copy (variability 0)
        FleetNetworkConfig flat = new FleetNetworkConfig("mobile", null, null, null, null, null, null, 0.0, null,
                null, null, null, null, null, null);
        NetworkTopology f = create(flat, 100_000, null);
        double min = Double.MAX_VALUE;
        double max = 0;
        double logSum = 0;
        int n = 5000;
        for (int i = 0; i < n; i++) {
            double up = f.uplink(i * 20).bytesPerSecond(0) / 125_000.0;
            min = Math.min(min, up);
            max = Math.max(max, up);
            logSum += Math.log(up);
            assertTrue(f.latency(i) >= 0.020 && f.latency(i) <= 0.120, "latency " + f.latency(i));
        }

        // Assert: in range, spread over it, log-uniform (mean of logs at the midpoint), reproducible per node
        assertTrue(min >= 1 && max <= 20, min + " .. " + max);
        assertTrue(min < 1.1 && max > 18, min + " .. " + max);
        assertEquals((Math.log(1) + Math.log(20)) / 2, logSum / n, 0.05);
        assertEquals(t.uplink(123).bytesPerSecond(55), again.uplink(123).bytesPerSecond(55));
        assertNotEquals(t.uplink(123).bytesPerSecond(55), t.uplink(124).bytesPerSecond(55));
        assertTrue(t.uplink(5).nextChange(0) == 10.0, "mobile links change every 10 s");
        assertEquals(1000 * 125_000.0, t.downlink(S).bytesPerSecond(3));
        assertEquals(0.005, t.latency(S));
    }

    @Test
    void presetValuesCanBeOverriddenKeyByKey() {
        FleetNetworkConfig c = new FleetNetworkConfig("broadband", 2.0, null, null, null, null, null, null, null,
                100.0, null, null, null, null, null);
        assertEquals(2.0, c.uplinkMinMbps());
        assertEquals(50.0, c.uplinkMaxMbps());
        assertEquals(100.0, c.serverIngressMbps());
        assertEquals(0.0, c.variability());
    }

    @Test
    void badValuesNameTheKey() {
        assertMessage("preset must be one of mobile, broadband, datacenter, got 'lte'",
                () -> FleetNetworkConfig.ofPreset("lte"));
        assertMessage("uplink-min-mbps is required", () -> new FleetNetworkConfig(null, null, 2.0, 1.0, 2.0, null,
                null, null, null, null, null, null, null, null, null));
        assertMessage("uplink-max-mbps must be >= uplink-min-mbps (5.0), got 2.0", () -> new FleetNetworkConfig(null,
                5.0, 2.0, 1.0, 2.0, null, null, null, null, null, null, null, null, null, null));
        assertMessage("downlink-min-mbps must be finite and > 0, got 0.0", () -> new FleetNetworkConfig(null, 1.0,
                2.0, 0.0, 2.0, null, null, null, null, null, null, null, null, null, null));
        assertMessage("variability must be in [0, 10], got -1.0", () -> new FleetNetworkConfig("mobile", null, null,
                null, null, null, null, -1.0, null, null, null, null, null, null, null));
        assertMessage("uplink-mbps must be finite and > 0, got -3.0", () -> new UniformNetworkConfig(-3, 1, 0, null,
                null, false, 1, 1, 0, null, null, null));
        assertMessage("latency-ms must be finite and >= 0, got -1.0", () -> new UniformNetworkConfig(3, 1, -1, null,
                null, false, 1, 1, 0, null, null, null));
        assertMessage("server-region: no region is named 'eu'", () -> new UniformNetworkConfig(3, 1, 0, null, null,
                false, 1, 1, 0, null, "eu", null));
        assertMessage("region 'us': uplink-mbps must be finite and > 0, got 0.0",
                () -> new RegionConfig("us", 0.0, 1.0, null, null));
        assertMessage("regions: two regions are named 'us'", () -> new UniformNetworkConfig(3, 1, 0, null, null, false,
                1, 1, 0, new RegionConfig[] {region("us", null), region("us", null)}, null, null));
        assertMessage("link: from must be a client id or \"server\", got 'cloud'",
                () -> new LinkConfig("cloud", "1", 1.0, null));
        assertMessage("link 1 -> server: needs bandwidth-mbps or latency-ms",
                () -> new LinkConfig("1", "server", null, null));
    }

    @Test
    void unknownNodeIdsAreRejectedWithTheKey() {
        UniformNetworkConfig regions = new UniformNetworkConfig(10, 10, 0, null, null, false, 100, 100, 0,
                new RegionConfig[] {region("eu", new int[] {0, 1}), region("us", new int[] {2, 12})}, null, null);
        assertMessage("[network] regions[1] ('us') clients: unknown node id 12 (clients are 0..9)",
                () -> create(regions, 10, null));
        UniformNetworkConfig twice = new UniformNetworkConfig(10, 10, 0, null, null, false, 100, 100, 0,
                new RegionConfig[] {region("eu", new int[] {0, 1}), region("us", new int[] {1})}, null, null);
        assertMessage("client 1 is already in region 'eu'", () -> create(twice, 10, null));
        UniformNetworkConfig links = new UniformNetworkConfig(10, 10, 0, null, null, false, 100, 100, 0, null, null,
                new LinkConfig[] {new LinkConfig("3", "server", 1.0, null), new LinkConfig("server", "10", null, 5.0)});
        assertMessage("[network] links[1]: unknown node id 10", () -> create(links, 10, null));
    }

    @Test
    void regionsAndLinksReachTheTopology() {
        // Prepare
        UniformNetworkConfig c = new UniformNetworkConfig(10, 20, 5, null, null, false, 100, 200, 1,
                new RegionConfig[] {region("eu", new int[] {0, 1}), region("us", null)}, "us",
                new LinkConfig[] {new LinkConfig("3", "server", 1.0, 40.0)});

        // Execute
        NetworkTopology t = create(c, 4, null);

        // Assert
        assertEquals(2, t.regions());
        assertEquals(0, t.regionOf(1));
        assertEquals(-1, t.regionOf(2));
        assertEquals(1, t.regionOf(S));
        assertEquals(0.005, t.latency(2));
        assertEquals(200 * 125_000.0, t.uplink(S).bytesPerSecond(0));
        assertEquals(125_000.0, t.link(3, S).bandwidth().bytesPerSecond(0));
        assertEquals(0.040, t.link(3, S).latency(), 1e-15);
        assertNull(t.link(S, 3));
        // without explicit lists, clients are dealt round-robin
        UniformNetworkConfig rr = new UniformNetworkConfig(10, 20, 5, null, null, false, 100, 200, 1,
                new RegionConfig[] {region("a", null), region("b", null), region("c", null)}, null, null);
        NetworkTopology r = create(rr, 7, null);
        assertEquals(2, r.regionOf(5));
        assertEquals(-1, r.regionOf(S));
    }

    @Test
    void traceFilesAreResolvedAgainstTheBaseDirectoryAndCheckedByLine() throws IOException {
        // Prepare
        Files.writeString(dir.resolve("up.csv"), "time,bandwidth\n0,4\n10,8\n");
        Files.writeString(dir.resolve("bad.csv"), "time,bandwidth\n0,4\n10,0\n");
        UniformNetworkConfig c = new UniformNetworkConfig(10, 20, 5, "up.csv", null, false, 100, 200, 1, null, null,
                null);
        UniformNetworkConfig bad = new UniformNetworkConfig(10, 20, 5, null, "bad.csv", false, 100, 200, 1, null,
                null, null);

        // Execute
        NetworkTopology t = create(c, 3, dir);

        // Assert
        assertEquals(500_000, t.uplink(2).bytesPerSecond(3));
        assertEquals(1_000_000, t.uplink(2).bytesPerSecond(10));
        assertEquals(20 * 125_000.0, t.downlink(2).bytesPerSecond(10));
        assertMessage(dir.resolve("bad.csv") + ":3: bandwidth must be finite and > 0, got 0.0",
                () -> create(bad, 3, dir));
    }

    private static RegionConfig region(String name, int[] clients) {
        return new RegionConfig(name, 100.0, 100.0, 10.0, clients);
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable ex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    }
}
