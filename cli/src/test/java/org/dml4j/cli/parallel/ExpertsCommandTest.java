package org.dml4j.cli.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dml4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dml4j experts}: EPLB's hierarchical policy and both routing assumptions, labelled. */
class ExpertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsHierarchicalPolicyUnderBothRoutingAssumptions() throws IOException {
        PrintStream stdout = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = Main.execute("experts", "--zipf", "1.2", "--experts", "64", "--gpus", "32", "--gpus-per-node", "8",
                    "--out", dir.toString());
        } finally {
            System.setOut(stdout);
        }
        String text = buf.toString(StandardCharsets.UTF_8);

        assertEquals(0, rc, text);
        assertTrue(text.contains("eplb-hierarchical") && text.contains("even split")
                && text.contains("load-balanced"), text);
        String html = Files.readString(dir.resolve("experts.html"));
        assertTrue(html.contains("max/mean, even split") && html.contains("max/mean, load-balanced"));
    }
}
