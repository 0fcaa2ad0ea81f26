package org.dml4j.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dml4j.core.SeedTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class DeviceModelTest {
    private static final SeedTree SEEDS = SeedTree.root(11);

    @TempDir
    Path dir;

    private static DeviceModel create(DeviceConfig c, int clients, Path base) {
        DeviceProvider p = DeviceProvider.REGISTRY.all().values().stream()
                .filter(x -> x.configType() == c.getClass()).findFirst().orElseThrow();
        return p.create(c, clients, SEEDS, base);
    }

    @Test
    void theRegistryKnowsTheThreeTypes() {
        assertEquals(List.of("constant", "lognormal", "trace"), DeviceProvider.REGISTRY.names());
    }

    @Test
    void constantDevicesPlanStepsTimesTheStepTime() {
        DeviceModel m = create(new ConstantDevicesConfig(0.25, null, 0), 3, null);
        DeviceModel.TaskPlan p = m.plan(2, 0, 10, 8);
        assertEquals(2.0, p.computeSeconds());
        assertEquals(12.0, p.end());
        assertFalse(p.dropsOut());
        assertThrows(IllegalArgumentException.class, () -> m.secondsPerStep(3));
        assertThrows(IllegalArgumentException.class, () -> m.plan(0, 0, 0, -1));
    }

    @Test
    void theMobilePresetHasAboutATenfoldSpreadAndIsSeededPerClient() {
        // Prepare
        DeviceModel m = create(LogNormalDevicesConfig.mobile(), 100_000, null);
        DeviceModel again = create(LogNormalDevicesConfig.mobile(), 100_000, null);
        int n = 20_000;
        double[] s = new double[n];

        // Execute: every fifth client, in reverse order (order must not matter)
        for (int i = n - 1; i >= 0; i--) {
            s[i] = m.secondsPerStep(i * 5);
        }
        Arrays.sort(s);

        // Assert
        double p5 = s[(int) (0.05 * n)];
        double p50 = s[n / 2];
        double p95 = s[(int) (0.95 * n)];
        assertEquals(0.2, p50, 0.01);
        assertEquals(10.0, p95 / p5, 1.0);
        assertEquals(m.secondsPerStep(777), again.secondsPerStep(777));
        assertNotEquals(m.secondsPerStep(777), m.secondsPerStep(778));
        DeviceModel other = DeviceProvider.REGISTRY.get("lognormal").create(LogNormalDevicesConfig.mobile(), 10,
                SeedTree.root(12), null);
        assertNotEquals(m.secondsPerStep(3), other.secondsPerStep(3));
    }

    @Test
    void dropoutsHappenAtTheGivenRateInsideTheComputation() {
        // Prepare
        DeviceModel m = create(new ConstantDevicesConfig(0.5, null, 0.3), 50, null);

        // Execute
        int dropped = 0;
        int tasks = 0;
        for (int c = 0; c < 50; c++) {
            for (long task = 0; task < 200; task++) {
                DeviceModel.TaskPlan p = m.plan(c, task, 100, 10);
                tasks++;
                if (p.dropsOut()) {
                    dropped++;
                    assertTrue(p.dropoutAt() >= 100 && p.dropoutAt() < 105, "dropout at " + p.dropoutAt());
                }
                assertEquals(p, m.plan(c, task, 100, 10), "the same task plans the same way");
            }
        }

        // Assert
        assertEquals(0.3, dropped / (double) tasks, 0.02);
    }

    @Test
    void periodicAvailabilityIsOnlineForItsFractionWithAPhasePerClient() {
        // Prepare
        DeviceModel m = create(new ConstantDevicesConfig(1, new AvailabilityConfig("periodic", 0.25, 100.0, null),
                0), 200, null);

        // Execute
        int online = 0;
        int samples = 0;
        for (int c = 0; c < 200; c++) {
            for (double t = 0.5; t < 1000; t += 1) {
                samples++;
                if (m.isOnline(c, t)) {
                    online++;
                    double until = m.onlineUntil(c, t);
                    assertTrue(until > t && until <= t + 25 + 1e-9, "until " + until + " at " + t);
                    assertFalse(m.isOnline(c, until + 1e-9));
                } else {
                    double next = m.nextOnline(c, t);
                    assertTrue(next > t && next <= t + 75 + 1e-9);
                    assertTrue(m.isOnline(c, next + 1e-9));
                }
            }
        }

        // Assert
        assertEquals(0.25, online / (double) samples, 0.005);
        DeviceModel.TaskPlan p = null;
        for (int c = 0; p == null; c++) {
            if (m.isOnline(c, 0) && m.onlineUntil(c, 0) < 10) {
                p = m.plan(c, 0, 0, 10);
                assertEquals(m.onlineUntil(c, 0), p.dropoutAt(), "goes offline mid-task");
            }
        }
    }

    @Test
    void periodicBoundariesAgreeWithIsOnlineFarIntoARun() {
        // Prepare: a 1 s cycle, 30% online, at virtual times up to ~1e9 s where rounding is coarse
        DeviceModel m = create(new ConstantDevicesConfig(1, new AvailabilityConfig("periodic", 0.3, 1.0, null), 0),
                100, null);

        for (int c = 0; c < 100; c++) {
            for (double t0 : new double[] {0.0, 12.345, 1e6 + 0.1, 987_654_321.123}) {
                // Execute
                double on = m.nextOnline(c, t0);
                double off = m.onlineUntil(c, on);

                // Assert: waiting until nextOnline finds the client online; onlineUntil is later and offline
                assertTrue(on >= t0 && on - t0 <= 0.7 + 1e-6, "client " + c + " at " + t0 + ": " + on);
                assertTrue(m.isOnline(c, on), "client " + c + " offline at its nextOnline " + on);
                assertTrue(off > on && off - on <= 0.3 + 1e-6, "client " + c + " until " + off);
                assertFalse(m.isOnline(c, off), "client " + c + " online at its onlineUntil " + off);
                assertEquals(off, m.onlineUntil(c, on + (off - on) / 2), 1e-6);
            }
        }
    }

    @Test
    void windowsFromAFile() throws IOException {
        // Prepare: client 0 online [0,10) and [10,20) (one period), client 1 [5,6) and [50,60)
        Files.writeString(dir.resolve("win.csv"), "client,start,end\n1,50,60\n0,0,10\n1,5,6\n0,10,20\n");
        DeviceModel m = create(new ConstantDevicesConfig(1, new AvailabilityConfig("windows", null, null,
                "win.csv"), 0), 2, dir);

        // Assert
        assertEquals(20.0, m.onlineUntil(0, 3));
        assertEquals(Double.POSITIVE_INFINITY, m.nextOnline(0, 20));
        assertFalse(m.isOnline(1, 0));
        assertEquals(5.0, m.nextOnline(1, 0));
        assertEquals(50.0, m.nextOnline(1, 6));
        assertTrue(m.isOnline(1, 55));
        DeviceModel.TaskPlan p = m.plan(1, 0, 5, 3);
        assertEquals(6.0, p.dropoutAt());
        assertEquals(7.0, m.plan(1, 1, 7, 3).dropoutAt(), "offline at the start: drops at once");
    }

    @Test
    void churnScheduleTakesClientsOffAndBack() {
        // Prepare: client 1 leaves at 5 and joins at 8; client 0 leaves at 3 for good; client 2 stays
        org.dml4j.sim.ChurnEvent[] events = {new org.dml4j.sim.ChurnEvent(8, null, new int[] {1}),
            new org.dml4j.sim.ChurnEvent(5, new int[] {1}, null), new org.dml4j.sim.ChurnEvent(3, new int[] {0}, null)};
        // Execute
        DeviceModel m = create(new ConstantDevicesConfig(1, new AvailabilityConfig("churn", null, null, null,
                events), 0), 3, dir);
        // Assert
        assertTrue(m.isOnline(1, 4.99));
        assertFalse(m.isOnline(1, 5));
        assertEquals(8.0, m.nextOnline(1, 6));
        assertTrue(m.isOnline(1, 8));
        assertEquals(5.0, m.onlineUntil(1, 1));
        assertEquals(Double.POSITIVE_INFINITY, m.onlineUntil(1, 9));
        assertEquals(Double.POSITIVE_INFINITY, m.nextOnline(0, 4), "left for good");
        assertEquals(5.0, m.plan(1, 0, 4, 3).dropoutAt(), "a task running at 5 is cut off");
        assertEquals(Double.POSITIVE_INFINITY, m.onlineUntil(2, 100));
        assertMessage("", "availability 'churn': churn entry at 1.0 leave: unknown client 7",
                () -> create(new ConstantDevicesConfig(1, new AvailabilityConfig("churn", null, null, null,
                        new org.dml4j.sim.ChurnEvent[] {new org.dml4j.sim.ChurnEvent(1, new int[] {7}, null)}), 0), 3,
                        dir));
        assertMessage("", "client 2 leaves at 0 and never joins", () -> create(new ConstantDevicesConfig(1,
                new AvailabilityConfig("churn", null, null, null, new org.dml4j.sim.ChurnEvent[] {
                    new org.dml4j.sim.ChurnEvent(0, new int[] {2}, null)}), 0), 3, dir));
        assertMessage("", "availability 'churn' needs events", () -> new AvailabilityConfig("churn", null, null,
                null, null));
        assertMessage("", "availability 'windows' takes no events", () -> new AvailabilityConfig("windows", null,
                null, "w.csv", events));
    }

    @Test
    void badWindowFilesNameTheFileAndLine() throws IOException {
        assertBadWindows("client,start,end\n0,0,10\n2,0,10\n", ":3: client must be an id in 0..1, got 2");
        assertBadWindows("0,0,10\n1,5,5\n", ":2: end must be > start (5.0), got 5.0");
        assertBadWindows("0,-1,10\n1,5,6\n", ":1: start must be finite and >= 0, got -1.0");
        assertBadWindows("0,0,10\n1,0,1\n0,5,12\n", ":3: window [5.0, 12.0) of client 0 overlaps the one at");
        assertBadWindows("0,0,10\n", "client 1 has no window, so it is never available");
        assertBadWindows("client,begin,end\n0,0,10\n", ":1: header must be 'client,start,end'");
    }

    private void assertBadWindows(String text, String expected) throws IOException {
        Path p = dir.resolve("w.csv");
        Files.writeString(p, text);
        assertMessage(p.toString(), expected, () -> create(new ConstantDevicesConfig(1,
                new AvailabilityConfig("windows", null, null, "w.csv"), 0), 2, dir));
    }

    @Test
    void stepTimesFromATrace() throws IOException {
        // Prepare
        Files.writeString(dir.resolve("speed.csv"), "client,seconds-per-step\n1,0.5\n0,0.125\n");

        // Execute
        DeviceModel m = create(new TraceDevicesConfig("speed.csv", null, 0), 2, dir);

        // Assert
        assertEquals(0.125, m.secondsPerStep(0));
        assertEquals(0.5, m.secondsPerStep(1));
        Path p = dir.resolve("speed.csv");
        Files.writeString(p, "0,0.1\n7,0.2\n");
        assertMessage(p.toString(), ":2: client must be an id in 0..1, got 7",
                () -> create(new TraceDevicesConfig("speed.csv", null, 0), 2, dir));
        Files.writeString(p, "0,0.1\n1,0\n");
        assertMessage(p.toString(), ":2: seconds-per-step must be finite and > 0, got 0.0",
                () -> create(new TraceDevicesConfig("speed.csv", null, 0), 2, dir));
        Files.writeString(p, "0,0.1\n0,0.2\n");
        assertMessage(p.toString(), ":2: client 0 is listed twice",
                () -> create(new TraceDevicesConfig("speed.csv", null, 0), 2, dir));
        Files.writeString(p, "0,0.1\n");
        assertMessage(p.toString(), "client 1 has no row",
                () -> create(new TraceDevicesConfig("speed.csv", null, 0), 2, dir));
    }

    @Test
    void badConfigsNameTheKey() {
        assertMessage("", "online-fraction must be in (0, 1] (0: a device is never available), got 0.0",
                () -> new AvailabilityConfig("periodic", 0.0, 10.0, null));
        assertMessage("", "availability 'periodic' needs online-fraction and period-s",
                () -> new AvailabilityConfig("periodic", 0.5, null, null));
        assertMessage("", "availability type must be always, periodic, windows or churn, got 'sometimes'",
                () -> new AvailabilityConfig("sometimes", null, null, null));
        assertMessage("", "availability 'windows' needs file",
                () -> new AvailabilityConfig("windows", null, null, null));
        assertMessage("", "seconds-per-step must be finite and > 0, got 0.0",
                () -> new ConstantDevicesConfig(0, null, 0));
        assertMessage("", "dropout must be in [0, 1), got 1.0", () -> new ConstantDevicesConfig(1, null, 1));
        assertMessage("", "sigma must be in [0, 5], got -0.1",
                () -> new LogNormalDevicesConfig(null, 1.0, -0.1, null, null, null));
        assertMessage("", "need median-seconds-per-step and sigma",
                () -> new LogNormalDevicesConfig(null, 1.0, null, null, null, null));
        assertMessage("", "preset must be mobile, got 'desktop'",
                () -> new LogNormalDevicesConfig("desktop", null, null, null, null, null));
        assertEquals(0.5, new LogNormalDevicesConfig("mobile", 0.5, null, null, null, null).medianSecondsPerStep());
    }

    private static void assertMessage(String where, String expected, Executable ex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(expected), "message: " + e.getMessage());
    }
}
