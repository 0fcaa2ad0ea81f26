package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AccordionCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "accordion";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("compressor", "topk", "conservative", 0.1, "aggressive", 0.01, "error-feedback", true);
    }

    @Test
    void usesTheConservativeRatioInCriticalRounds() {
        CompressorState s = compressor().newState(1000, new SplittableRandom(1));
        float[] x = Unbiased.vector(1000, 1);
        float[] big = x.clone();
        for (int i = 0; i < big.length; i++) {
            big[i] *= 3;
        }
        assertEquals(100, s.compress(x).elements(), "first round counts as critical");
        assertEquals(10, s.compress(x).elements(), "same norm: aggressive");
        assertEquals(100, s.compress(big).elements(), "norm tripled: critical");
        assertEquals(10, s.compress(big).elements());
    }

    @Test
    void thresholdVariantSwitchesThresholds() {
        CompressorState s = Compressors.create("accordion", Map.of("compressor", "threshold", "conservative", 0.5,
                "aggressive", 2.0)).newState(4, new SplittableRandom(1));
        float[] x = {1f, 3f, 0.1f, -1f};
        assertEquals(3, s.compress(x).elements());
        assertEquals(1, s.compress(x).elements());
    }

    @Test
    void levelsMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("accordion", Map.of("compressor",
                "topk", "conservative", 0.01, "aggressive", 0.1)));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("accordion", Map.of("compressor",
                "threshold", "conservative", 2, "aggressive", 1)));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("accordion", Map.of("compressor",
                "qsgd", "conservative", 2, "aggressive", 1)));
    }
}
