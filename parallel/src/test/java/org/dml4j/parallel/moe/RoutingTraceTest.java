package org.dml4j.parallel.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routing-trace format and the Zipf generator. */
class RoutingTraceTest {
    @Test
    void roundTripsThroughAFile(@TempDir Path dir) {
        // Prepare
        RoutingTrace t = ZipfTraceGenerator.generate(new ZipfTraceConfig(16, 3, 10_000, 1.0, 4, 0.25, 5));
        Path file = dir.resolve("trace.csv");
        // Execute
        RoutingTraceFormat.write(file, t);
        RoutingTrace back = RoutingTraceFormat.read(file, 16);
        // Assert
        assertEquals(t, back);
        RoutingTrace flat = ZipfTraceGenerator.generate(new ZipfTraceConfig(16, 2, 10_000, 1.0, 0, 0, 5));
        assertEquals(flat, RoutingTraceFormat.parse(RoutingTraceFormat.format(flat), 0));
    }

    @Test
    void perTokenRowsAddUp() {
        String text = """
                # dml4j routing trace v1
                # experts=4
                window,expert,tokens
                0,1,1
                0,1,1
                1,3,5
                0,1,1
                """;
        RoutingTrace t = RoutingTraceFormat.parse(text, 0);
        assertEquals(2, t.windows());
        assertEquals(3, t.tokens(0, 1));
        assertEquals(5, t.tokens(1, 3));
        assertEquals(0, t.tokens(1, 0));
    }

    @Test
    void unknownExpertsAreErrorsNamingLineFieldAndValue() {
        String text = "# dml4j routing trace v1\n# experts=64\nwindow,expert,tokens\n0,3,10\n0,70,5\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutingTraceFormat.parse(text, 0));
        assertEquals("<text> line 5: expert 70 is unknown (experts = 64)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RoutingTraceFormat.parse(text, 32));
        assertTrue(e.getMessage().contains("declares experts=64 but 32"), e.getMessage());
        String sources = "# dml4j routing trace v1\n# experts=4\n# sources=2\nwindow,expert,source,tokens\n0,1,2,5\n";
        e = assertThrows(IllegalArgumentException.class, () -> RoutingTraceFormat.parse(sources, 0));
        assertTrue(e.getMessage().contains("line 5: source 2 is unknown (sources = 2)"), e.getMessage());
    }

    @Test
    void malformedTracesAreRejected() {
        String head = "# dml4j routing trace v1\n# experts=4\nwindow,expert,tokens\n";
        assertMessage("line 4: tokens must be >= 0, got -3", head + "0,1,-3\n");
        assertMessage("line 4: expert 'x' is not an integer", head + "0,x,3\n");
        assertMessage("line 4: expected 3 fields", head + "0,1\n");
        assertMessage("line 1: routing trace version 2 is not supported", "# dml4j routing trace v2\n");
        assertMessage("line 1: not a dml4j routing trace", "window,expert,tokens\n0,1,1\n");
        assertMessage("header must be", "# dml4j routing trace v1\n# experts=4\nexpert,tokens\n");
        assertMessage("the number of experts is unknown", "# dml4j routing trace v1\nwindow,expert,tokens\n0,0,1\n");
        assertMessage("has no rows", head);
    }

    private static void assertMessage(String fragment, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutingTraceFormat.parse(text, 0));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void zipfTracesAreSkewedDeterministicAndDrift() {
        // Prepare
        ZipfTraceConfig cfg = new ZipfTraceConfig(64, 4, 1_000_000, 1.0, 0, 0.5, 11);
        // Execute
        RoutingTrace a = ZipfTraceGenerator.generate(cfg);
        RoutingTrace b = ZipfTraceGenerator.generate(cfg);
        // Assert
        assertEquals(a, b);
        double[] w0 = a.loads(0);
        double total = java.util.Arrays.stream(w0).sum();
        assertEquals(1_000_000, total, 5_000);
        double harmonic = 0;
        for (int r = 1; r <= 64; r++) {
            harmonic += 1.0 / r;
        }
        double top = java.util.Arrays.stream(w0).max().orElse(0);
        assertEquals(1 / harmonic, top / total, 0.01);
        assertNotEquals(argmaxOrder(a.loads(0)), argmaxOrder(a.loads(3)));
        assertThrows(IllegalArgumentException.class, () -> new ZipfTraceConfig(64, 1, 10, -1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ZipfTraceConfig(0, 1, 10, 1, 0, 0, 1));
    }

    private static String argmaxOrder(double[] l) {
        Integer[] idx = new Integer[l.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (x, y) -> Double.compare(l[y], l[x]));
        return java.util.Arrays.toString(java.util.Arrays.copyOf(idx, 8));
    }

    @Test
    void readsFromDiskWithItsName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "# dml4j routing trace v1\n# experts=2\nwindow,expert,tokens\n0,2,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutingTraceFormat.read(f, 0));
        assertTrue(e.getMessage().startsWith(f.toString() + " line 4: expert 2 is unknown"), e.getMessage());
    }
}
