package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --engine} and {@code --master}: the in-process engine is the default and found through the same SPI as the
 * optional ones; without module spark on the class path, {@code --engine spark} says how to build it.
 */
class EngineChoiceTest {
    private static String[] runWithStderr(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int rc = Main.execute(args);
            return new String[] {Integer.toString(rc), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void sparkWithoutItsModuleSaysHowToBuildIt(@TempDir Path dir) throws Exception {
        // Prepare
        Path file = dir.resolve("digits.toml");
        Files.writeString(file, RunCommandTest.DIGITS);
        // Execute
        String[] r = runWithStderr("run", file.toString(), "--engine", "spark", "--master", "local[2]", "--out",
                dir.resolve("o").toString());
        // Assert
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("./mvnw -Pspark -DskipTests install -pl spark -am"), r[1]);
        assertTrue(r[1].contains("spark/target/lib"), r[1]);
        assertFalse(Files.exists(dir.resolve("o/metrics.csv")), "nothing ran");
    }

    @Test
    void anUnknownEngineListsTheKnownOnes() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EngineProvider.get("flink"));
        assertTrue(e.getMessage().contains("'flink'") && e.getMessage().contains(EngineProvider.IN_PROCESS),
                e.getMessage());
    }

    @Test
    void theInProcessEngineIsTheDefaultAndTakesNoMaster(@TempDir Path dir) throws Exception {
        // Prepare
        Path file = dir.resolve("digits.toml");
        Files.writeString(file, RunCommandTest.DIGITS);
        // Execute
        String[] withMaster = runWithStderr("run", file.toString(), "--master", "local[2]", "--out",
                dir.resolve("m").toString());
        String[] named = runWithStderr("run", file.toString(), "--engine", "inprocess", "--out",
                dir.resolve("named").toString());
        String[] plain = runWithStderr("run", file.toString(), "--out", dir.resolve("plain").toString());
        // Assert
        assertEquals("2", withMaster[0], withMaster[1]);
        assertTrue(withMaster[1].contains("--master local[2]") && withMaster[1].contains("--engine spark"),
                withMaster[1]);
        assertEquals("0", named[0], named[1]);
        assertEquals("0", plain[0], plain[1]);
        assertEquals(Files.readString(dir.resolve("plain/metrics.csv")),
                Files.readString(dir.resolve("named/metrics.csv")));
    }
}
