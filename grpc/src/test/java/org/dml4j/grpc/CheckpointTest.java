package org.dml4j.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints round-trip, replace each other atomically and reject every damaged file. */
class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsAndReplaces() {
        Path f = dir.resolve("checkpoint.bin");
        new Checkpoint(3, new float[] {1f, -2.5f, 0f}).write(f);
        new Checkpoint(4, new float[] {2f, -3.5f, 1f}).write(f);
        Checkpoint c = Checkpoint.read(f, 3);
        assertEquals(4, c.version());
        assertArrayEquals(new float[] {2f, -3.5f, 1f}, c.model());
        assertFalse(Files.exists(dir.resolve("checkpoint.bin.tmp")));
    }

    @Test
    void rejectsDamagedFiles() throws Exception {
        Path f = dir.resolve("c.bin");
        new Checkpoint(1, new float[] {1f, 2f}).write(f);
        byte[] good = Files.readAllBytes(f);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f, 3)).getMessage()
                .contains("dim 2"));
        byte[] flipped = good.clone();
        flipped[17] ^= 1;
        Files.write(f, flipped);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f, 2)).getMessage()
                .contains("checksum"));
        Files.write(f, java.util.Arrays.copyOf(good, good.length - 1));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f, 2));
        byte[] format = good.clone();
        format[4] = 9;
        Files.write(f, format);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f, 2)).getMessage()
                .contains("format 9"));
    }
}
