package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    void workersShareTheLargestScaler() {
        // worker A's bucket maxima are 2 and 1, worker B's 4 and 0.5: both ternarize with [4, 1]
        float[] a = {2f, -1f, 0.5f, 1f};
        float[] b = {-4f, 1f, 0.5f, -0.25f};
        TernGradConfig cfg = new TernGradConfig(null, 2, false, null, false);
        CompressorState sa = new TernGradCompressor(cfg).newState(4, new SplittableRandom(1));
        CompressorState sb = ErrorFeedback.wrap(new TernGradCompressor(cfg)).newState(4, new SplittableRandom(2));
        float[] la = ((ScalerSharing) sa).localScalers(a);
        float[] lb = ((ScalerSharing) sb).localScalers(b);
        assertArrayEquals(new float[] {2f, 1f}, la);
        assertArrayEquals(new float[] {4f, 0.5f}, lb);
        float[] shared = TernGradCompressor.shareScalers(List.of(la, lb));
        assertArrayEquals(new float[] {4f, 1f}, shared);
        ((ScalerSharing) sa).setSharedScalers(shared);
        ((ScalerSharing) sb).setSharedScalers(shared);
        assertArrayEquals(shared, ((QuantizedUpdate) sa.compress(a)).scales());
        assertArrayEquals(shared, ((QuantizedUpdate) sb.compress(b)).scales());
        // the sharing lasts one call
        assertArrayEquals(new float[] {2f, 1f}, ((QuantizedUpdate) sa.compress(a)).scales());
        assertThrows(IllegalArgumentException.class, () -> ((ScalerSharing) sa).setSharedScalers(new float[3]));
        assertThrows(IllegalArgumentException.class, () -> TernGradCompressor.shareScalers(List.of(la,
                new float[] {-1f, 0f})));
    }

    @Test
    void aSharedScalerKeepsTernGradUnbiased() {
        float[] x = {0.3f, -0.7f, 0.1f, 0f};
        TernGradCompressor c = new TernGradCompressor(TernGradConfig.unbiased());
        CompressorState s = c.newState(4, new SplittableRandom(7));
        double[] mean = new double[4];
        int calls = 20_000;
        for (int t = 0; t < calls; t++) {
            ((ScalerSharing) s).setSharedScalers(new float[] {2f});
            float[] d = s.compress(x).toDense();
            for (int i = 0; i < 4; i++) {
                mean[i] += d[i] / calls;
            }
        }
        for (int i = 0; i < 4; i++) {
            // sd of one draw <= 2, of the mean <= 2 / sqrt(20000) = 0.014
            assertEquals(x[i], mean[i], 0.06, "coordinate " + i);
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
