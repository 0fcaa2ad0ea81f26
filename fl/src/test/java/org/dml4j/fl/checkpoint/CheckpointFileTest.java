package org.dml4j.fl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dml4j.core.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    private static Snapshot sample() {
        Snapshot s = new Snapshot();
        Snapshot c = s.under("coordinator");
        c.putFloats("global", new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE});
        c.putDoubles("d", new double[] {Double.NaN, 0.1, Double.NEGATIVE_INFINITY});
        c.putLongs("l", new long[] {Long.MIN_VALUE, 3});
        c.putInts("i", new int[] {7});
        c.putBytes("b", new byte[] {1, 0, -1});
        c.putLong("version", 12).putDouble("x", Math.PI).putDouble("nan", Double.NaN).putBoolean("open", true)
                .putString("name", "fedavg: a/b \"quoted\" ü");
        c.under("empty").putFloats("none", new float[0]);
        return s;
    }

    @Test
    void aSnapshotSurvivesTheFileBitForBit(@TempDir Path dir) {
        // Execute
        Path f = dir.resolve("checkpoint.safetensors");
        CheckpointFile.write(f, sample());
        Snapshot back = CheckpointFile.read(f);
        // Assert
        assertTrue(sample().equals(back), "equal entries, NaN and -0 included");
        Snapshot c = back.under("coordinator");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(c.getFloats("global")[1]));
        assertEquals(Math.PI, c.getDouble("x"));
        assertEquals(12, c.getInt("version"));
        assertEquals("fedavg: a/b \"quoted\" ü", c.getString("name"));
        assertArrayEquals(new byte[] {1, 0, -1}, c.getBytes("b"));
        assertEquals(List.of("checkpoint.safetensors"), list(dir), "no temporary file is left");
    }

    @Test
    void theFileIsSafetensorsThatOtherToolsRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.safetensors");
        CheckpointFile.write(f, sample());
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "the header is padded to 8 bytes");
        JsonNode h = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        JsonNode g = h.path("coordinator/global");
        assertEquals("F32", g.path("dtype").asText());
        assertEquals(4, g.path("shape").path(0).asInt());
        int from = g.path("data_offsets").path(0).asInt();
        float first = ByteBuffer.wrap(bytes, 8 + (int) n + from, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertEquals(1.5f, first);
        assertEquals("dml4j-checkpoint", h.path("__metadata__").path("format").asText());
        assertEquals("long:12", h.path("__metadata__").path("coordinator/version").asText());
    }

    @Test
    void damagedOrForeignFilesAreRejectedWithTheReason(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.safetensors");
        CheckpointFile.write(f, sample());
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 3] ^= 1;
        Files.write(f, bytes);
        IllegalArgumentException crc = assertThrows(IllegalArgumentException.class, () -> CheckpointFile.read(f));
        assertTrue(crc.getMessage().contains("checksum"), crc.getMessage());
        Files.write(f, java.util.Arrays.copyOf(bytes, 30));
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class, () -> CheckpointFile.read(f));
        assertTrue(cut.getMessage().contains(f.toString()), cut.getMessage());
        String other = new String(CheckpointFile.encode(sample()), StandardCharsets.ISO_8859_1)
                .replace("\"format-version\":\"1\"", "\"format-version\":\"9\"");
        Files.write(f, other.getBytes(StandardCharsets.ISO_8859_1));
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                () -> CheckpointFile.read(f));
        assertTrue(version.getMessage().contains("format version 9"), version.getMessage());
    }

    @Test
    void missingOrMistypedEntriesNameTheKey() {
        Snapshot s = sample().under("coordinator");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> s.getLong("nope"));
        assertTrue(missing.getMessage().contains("'coordinator/nope'"), missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> s.getLong("x"));
        assertTrue(type.getMessage().contains("coordinator/x") && type.getMessage().contains("Double"),
                type.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> s.getFloats("global", 5));
        assertTrue(length.getMessage().contains("expected 5"), length.getMessage());
    }

    private static List<String> list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
