package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdentityCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "identity";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of();
    }

    @Test
    void roundTripsThroughTheCodecAndAccumulates() {
        // Prepare
        float[] v = {1.5f, -2f, 0f, 3.25f, 7f};
        CompressedUpdate u = new IdentityCompressor().newState(5, new SplittableRandom(1)).compress(v);
        // Execute
        byte[] bytes = UpdateCodec.encode(u);
        CompressedUpdate back = UpdateCodec.decode(bytes, 5);
        float[] acc = {1, 1, 1, 1, 1};
        back.addTo(acc, 2f);
        // Assert
        assertEquals(u.wireBytes(), bytes.length);
        assertArrayEquals(new float[] {4f, -3f, 1f, 7.5f, 15f}, acc);
    }

    @Test
    void rejectsBadInputAndBadBytes() {
        CompressorState s = new IdentityCompressor().newState(3, new SplittableRandom(1));
        assertThrows(IllegalArgumentException.class, () -> s.compress(new float[2]));
        assertThrows(IllegalArgumentException.class, () -> s.compress(new float[] {0, Float.NaN, 0}));
        byte[] bytes = UpdateCodec.encode(s.compress(new float[] {1, 2, 3}));
        assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(bytes, 2));
        assertThrows(MalformedUpdateException.class,
                () -> UpdateCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1), 3));
        assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(new byte[5], 3));
    }
}
