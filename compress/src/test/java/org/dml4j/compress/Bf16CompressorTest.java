package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16CompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "bf16";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("error-feedback", true);
    }

    @Test
    void keepsTheUpperSixteenBitsRoundedToNearestEven() {
        float[] x = {Float.intBitsToFloat(0x3F808000), Float.intBitsToFloat(0x3F818000),
            Float.intBitsToFloat(0x3F808001), Float.MAX_VALUE};
        float[] d = new CastCompressor(ValueFormat.BF16).newState(4, new SplittableRandom(1)).compress(x).toDense();
        assertArrayEquals(new float[] {Float.intBitsToFloat(0x3F800000), Float.intBitsToFloat(0x3F820000),
            Float.intBitsToFloat(0x3F810000), Float.intBitsToFloat(0x7F7F0000)}, d);
    }
}
