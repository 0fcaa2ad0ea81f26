package org.dml4j.sim.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dml4j.core.SeedTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BandwidthTraceTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        Path p = dir.resolve("trace.csv");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsACsvInMegabitsAndHoldsTheLastValue() throws IOException {
        // Prepare
        Path p = csv("time,bandwidth\n# a comment\n0,8\n\n1.5,16\n4,1\n");

        // Execute
        BandwidthTrace t = BandwidthTrace.read(p, false);

        // Assert
        assertEquals(3, t.size());
        assertEquals(1e6, t.bytesPerSecond(0));
        assertEquals(1e6, t.bytesPerSecond(1.4999));
        assertEquals(2e6, t.bytesPerSecond(1.5));
        assertEquals(125_000, t.bytesPerSecond(100));
        assertEquals(1.5, t.nextChange(0));
        assertEquals(4, t.nextChange(1.5));
        assertEquals(Double.POSITIVE_INFINITY, t.nextChange(4));
    }

    @Test
    void aTraceStartingLateUsesItsFirstValueBefore() {
        BandwidthTrace t = new BandwidthTrace(new double[] {2, 3}, new double[] {5, 7}, false);
        assertEquals(5, t.bytesPerSecond(0));
        assertEquals(3, t.nextChange(0));
    }

    @Test
    void aLoopedTraceRepeatsWithTheLastSegmentAsLongAsTheOneBefore() {
        // rows at 0, 1, 3 -> period 3 + 2 = 5
        BandwidthTrace t = new BandwidthTrace(new double[] {0, 1, 3}, new double[] {1, 2, 3}, true);
        assertEquals(3, t.bytesPerSecond(4.9));
        assertEquals(1, t.bytesPerSecond(5));
        assertEquals(2, t.bytesPerSecond(6.5));
        assertEquals(5, t.nextChange(3.5), 1e-12);
        assertEquals(11, t.nextChange(10.2), 1e-12);
    }

    @Test
    void loopedChangeTimesAgreeWithTheValuesFarIntoARun() {
        BandwidthTrace t = new BandwidthTrace(new double[] {0.5, 0.6, 0.9}, new double[] {1, 2, 3}, true);
        assertEquals(0.6, t.nextChange(0), "before the first row: no change at 0.5");
        for (double x : new double[] {0.55, 0.6, 7.77, 1e6 + 0.3, 4.4e8 + 0.123}) {
            double next = t.nextChange(x);
            assertTrue(next > x && next - x <= 0.3 + 1e-6, x + " -> " + next);
            assertTrue(t.bytesPerSecond(next) != t.bytesPerSecond(Math.nextDown(next)), "a change at " + next);
        }
    }

    @Test
    void badRowsAreRejectedWithFileAndLine() throws IOException {
        assertBad("time,bandwidth\n0,1\n-1,2\n", ":3: time must be finite and >= 0, got -1.0");
        assertBad("0,1\n2,1\n2,3\n", ":3: times must increase, got 2.0 after 2.0");
        assertBad("0,1\n3,1\n2,3\n", ":3: times must increase, got 2.0 after 3.0");
        assertBad("0,1\n1,0\n", ":2: bandwidth must be finite and > 0, got 0.0");
        assertBad("0,-3\n", ":1: bandwidth must be finite and > 0, got -3.0");
        assertBad("0,fast\n", ":1: bandwidth is not a number: 'fast'");
        assertBad("0,1,2\n", ":1: expected 'time,bandwidth'");
        assertBad("time,speed\n0,1\n", ":1: header must be 'time,bandwidth'");
        assertBad("# nothing\n", "no rows");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BandwidthTrace.read(dir.resolve("missing.csv"), false));
        assertTrue(e.getMessage().contains("missing.csv"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new BandwidthTrace(new double[] {0, 1}, new double[] {1}, false));
    }

    private void assertBad(String text, String expected) throws IOException {
        Path p = csv(text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BandwidthTrace.read(p,
                false));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void generatedBandwidthIsSeededByPathAndHasTheGivenMean() {
        // Prepare
        SeedTree node = SeedTree.root(42).child("network").child("uplink").child(7);
        GeneratedBandwidth g = new GeneratedBandwidth(1e6, 0.5, 2.0, node);
        GeneratedBandwidth same = new GeneratedBandwidth(1e6, 0.5, 2.0, node);
        GeneratedBandwidth other = new GeneratedBandwidth(1e6, 0.5, 2.0,
                SeedTree.root(42).child("network").child("uplink").child(8));

        // Execute
        double sum = 0;
        int n = 20_000;
        for (int k = 0; k < n; k++) {
            sum += g.bytesPerSecond(2.0 * k + 1);
        }

        // Assert: segments are constant, reproducible, node-specific, and log-normal with mean 1e6
        assertEquals(g.bytesPerSecond(4.0), g.bytesPerSecond(5.999));
        assertEquals(g.bytesPerSecond(13), same.bytesPerSecond(13));
        assertTrue(g.bytesPerSecond(13) != other.bytesPerSecond(13));
        assertEquals(6.0, g.nextChange(4.0));
        assertEquals(1e6, sum / n, 0.02e6);
        assertEquals(Double.POSITIVE_INFINITY, new GeneratedBandwidth(1, 0, 1, node).nextChange(3));
        assertThrows(IllegalArgumentException.class, () -> new GeneratedBandwidth(0, 0.5, 1, node));
        assertThrows(IllegalArgumentException.class, () -> new GeneratedBandwidth(1, -1, 1, node));
        assertThrows(IllegalArgumentException.class, () -> new GeneratedBandwidth(1, 0.5, 0, node));
    }

    @Test
    void generatedChangeTimesAgreeWithTheValues() {
        SeedTree node = SeedTree.root(3).child("network").child("uplink").child(1);
        GeneratedBandwidth g = new GeneratedBandwidth(1e6, 0.5, 0.1, node);
        for (double t : new double[] {0, 0.25, 1e5 + 0.05, 3.3e8}) {
            double next = g.nextChange(t);
            assertTrue(next > t && next - t <= 0.1 + 1e-6, t + " -> " + next);
            assertTrue(g.bytesPerSecond(next) != g.bytesPerSecond(Math.nextDown(next)), "a change at " + next);
        }
    }

    @Test
    void scaledMultipliesTheCapacity() {
        BandwidthProfile t = new BandwidthTrace(new double[] {0, 1}, new double[] {2, 4}, false).scaled(1.5);
        assertEquals(3, t.bytesPerSecond(0.5));
        assertEquals(6, t.bytesPerSecond(1));
        assertEquals(1, t.nextChange(0));
        assertThrows(IllegalArgumentException.class, () -> t.scaled(0));
    }
}
