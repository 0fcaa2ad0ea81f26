package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Fp16CompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "fp16";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of();
    }

    @Test
    void roundsToNearestEvenAndSaturates() {
        float[] x = {1f + 0x1p-11f, 1f + 0x1p-10f + 0x1p-11f, 1e6f, -1e6f, 1e-9f};
        DenseUpdate u = (DenseUpdate) new CastCompressor(ValueFormat.FP16).newState(5, new SplittableRandom(1))
                .compress(x);
        assertArrayEquals(new float[] {1f, 1f + 0x1p-9f, 65504f, -65504f, 0f}, u.toArray());
        assertEquals(12 + 10, u.wireBytes());
    }
}
