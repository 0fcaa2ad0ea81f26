package org.dml4j.cli.simtables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.device.ConstantDevicesConfig;
import org.dml4j.sim.device.DeviceConfig;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.device.DeviceProvider;
import org.dml4j.sim.device.LogNormalDevicesConfig;
import org.junit.jupiter.api.Test;

/** The {@code [devices]} table binds with the project's config binder, by type name. */
class DevicesTableBindingTest {
    private static DeviceConfig bind(String toml) {
        ObjectNode t = ConfigTree.parse(toml, "test.toml").table("devices");
        DeviceProvider p = DeviceProvider.REGISTRY.get(ConfigTree.type(t, "devices"));
        return org.dml4j.core.config.ConfigBinder.bind(t, p.configType(), "devices");
    }

    @Test
    void aLogNormalTableWithPresetAvailabilityAndDropout() {
        // Prepare
        String toml = """
                [devices]
                type = "lognormal"
                preset = "mobile"
                dropout = 0.05
                availability = { type = "periodic", online-fraction = 0.5, period-s = 86400 }
                """;

        // Execute
        LogNormalDevicesConfig c = (LogNormalDevicesConfig) bind(toml);
        DeviceModel m = DeviceProvider.REGISTRY.get("lognormal").create(c, 20, SeedTree.root(3), null);

        // Assert
        assertEquals(0.2, c.medianSecondsPerStep());
        assertEquals(0.7, c.sigma());
        assertEquals(0.05, c.dropout());
        assertEquals("periodic", c.availability().type());
        assertEquals(0.05, m.dropout());
        assertTrue(m.secondsPerStep(19) > 0);
    }

    @Test
    void aConstantTableFillsItsDefaults() {
        ConstantDevicesConfig c = (ConstantDevicesConfig) bind("[devices]\ntype = \"constant\"\n");
        assertEquals(0.1, c.secondsPerStep());
        assertEquals("always", c.availability().type());
    }

    @Test
    void aDeviceThatIsNeverAvailableIsRejectedWithTheTable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bind("""
                [devices]
                type = "constant"
                availability = { type = "periodic", online-fraction = 0.0, period-s = 60 }
                """));
        assertTrue(e.getMessage().startsWith("[devices] ") && e.getMessage().contains("never available"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bind("[devices]\ntype = \"constant\"\nspeed = 2\n"));
        assertTrue(e.getMessage().contains("[devices] has unknown key 'speed'"), e.getMessage());
    }
}
