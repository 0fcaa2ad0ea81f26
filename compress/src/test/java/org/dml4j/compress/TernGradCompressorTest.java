package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TernGradCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "terngrad";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("per-layer", true, "clip", 2.5);
    }

    @Test
    void isUnbiasedWithoutClipping() {
        float[] x = Unbiased.vector(40, 6);
        double max = 0;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        Unbiased.check(new TernGradCompressor(TernGradConfig.unbiased()), x, 6000, max / 2);
    }

    @Test
    void sendsTernaryCodesScaledByTheMaximum() {
        float[] x = {0.5f, -2f, 1f, 0f};
        QuantizedUpdate u = (QuantizedUpdate) new TernGradCompressor(TernGradConfig.unbiased())
                .newState(4, new SplittableRandom(1)).compress(x);
        assertEquals(2f, u.scales()[0]);
        assertEquals(2, u.bitsPerCode());
        assertEquals(-1, u.code(1), "the maximum is always sent");
        assertEquals(0, u.code(3));
        for (int i = 0; i < 4; i++) {
            assertTrue(Math.abs(u.code(i)) <= 1);
        }
    }

    @Test
    void clippingBoundsTheScale() {
        float[] x = new float[100];
        x[0] = 100f;
        for (int i = 1; i < 100; i++) {
            x[i] = (i % 2 == 0 ? 1 : -1);
        }
        QuantizedUpdate u = (QuantizedUpdate) new TernGradCompressor(new TernGradConfig(2.5, null, false, null,
                false)).newState(100, new SplittableRandom(1)).compress(x);
        assertTrue(u.scales()[0] < 100f && u.scales()[0] > 1f, "scale " + u.scales()[0]);
        assertEquals(1, u.code(0));
    }
}
