package org.dml4j.cli.simtables;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.network.FleetNetworkConfig;
import org.dml4j.sim.network.NetworkConfig;
import org.dml4j.sim.network.NetworkProvider;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.network.UniformNetworkConfig;
import org.junit.jupiter.api.Test;

/** The {@code [network]} table binds with the project's config binder, by type name, like every other table. */
class NetworkTableBindingTest {
    private static NetworkConfig bind(String toml) {
        ObjectNode t = ConfigTree.parse(toml, "test.toml").table("network");
        NetworkProvider p = NetworkProvider.REGISTRY.get(ConfigTree.type(t, "network"));
        return org.dml4j.core.config.ConfigBinder.bind(t, p.configType(), "network");
    }

    @Test
    void aFleetTableWithAPresetAndOverrides() {
        // Prepare
        String toml = """
                [network]
                type = "fleet"
                preset = "mobile"
                uplink-max-mbps = 10
                change-period-s = 5
                server-region = "eu"
                regions = [ { name = "eu", uplink-mbps = 100, downlink-mbps = 200, latency-ms = 30, clients = [0, 1] },
                            { name = "us", uplink-mbps = 50, downlink-mbps = 50 } ]
                links = [ { from = 3, to = "server", bandwidth-mbps = 0.5 } ]
                """;

        // Execute
        FleetNetworkConfig c = (FleetNetworkConfig) bind(toml);
        NetworkTopology t = NetworkProvider.REGISTRY.get("fleet").create(c, 20, SeedTree.root(1), null);

        // Assert
        assertEquals(1.0, c.uplinkMinMbps());
        assertEquals(10.0, c.uplinkMaxMbps());
        assertEquals(5.0, c.changePeriodS());
        assertEquals(0.3, c.variability());
        assertArrayEquals(new int[] {0, 1}, c.regions()[0].clients());
        assertEquals(0.0, c.regions()[1].latencyMs());
        assertEquals(3, c.links()[0].fromNode());
        assertEquals(NetworkTopology.SERVER, c.links()[0].toNode());
        assertEquals(0, t.regionOf(NetworkTopology.SERVER));
        assertEquals(62_500.0, t.link(3, NetworkTopology.SERVER).bandwidth().bytesPerSecond(0));
    }

    @Test
    void aUniformTableFillsItsDefaults() {
        UniformNetworkConfig c = (UniformNetworkConfig) bind("[network]\ntype = \"uniform\"\nuplink-mbps = 2\n");
        assertEquals(2.0, c.uplinkMbps());
        assertEquals(UniformNetworkConfig.defaults().downlinkMbps(), c.downlinkMbps());
        assertEquals(0, c.regions().length);
    }

    @Test
    void badKeysAndValuesNameTheTable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bind("[network]\ntype = \"fleet\"\npreset = \"mobile\"\nuplink-mbps = 3\n"));
        assertTrue(e.getMessage().contains("[network] has unknown key 'uplink-mbps'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> bind("[network]\ntype = \"fleet\"\npreset = \"mobile\"\nlatency-min-ms = -5\n"));
        assertTrue(e.getMessage().contains("[network] latency-min-ms must be finite and >= 0, got -5.0"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bind("[network]\ntype = \"satellite\"\n"));
        assertTrue(e.getMessage().contains("known: fleet, uniform"), e.getMessage());
    }
}
