package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SignCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "sign";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("bucket-size", 100, "error-feedback", true);
    }

    @Test
    void scaledSignUsesTheMeanMagnitudeAndOneBitPerElement() {
        float[] x = {1f, -3f, 0f, 2f, -2f};
        QuantizedUpdate u = (QuantizedUpdate) new SignCompressor(SignConfig.scaled(false))
                .newState(5, new SplittableRandom(1)).compress(x);
        assertArrayEquals(new float[] {1.6f, -1.6f, 1.6f, 1.6f, -1.6f}, u.toDense(), 1e-6f);
        assertEquals(12 + 2 + 4 + 4 + 4 + 4 + 1, u.wireBytes());
    }

    @Test
    void unscaledSignSendsUnitValues() {
        float[] x = {1f, -3f};
        CompressedUpdate u = Compressors.create("sign", Map.of("scaled", false)).newState(2, new SplittableRandom(1))
                .compress(x);
        assertArrayEquals(new float[] {1f, -1f}, u.toDense());
    }

    @Test
    void efSignSgdEventuallyTransmitsEverything() {
        // With error feedback, the running sum of what was sent tracks the running sum of the inputs.
        ErrorFeedback.State s = (ErrorFeedback.State) ErrorFeedback.wrap(new SignCompressor(SignConfig.scaled(false)))
                .newState(50, new SplittableRandom(1));
        float[] sent = new float[50];
        float[] total = new float[50];
        for (int r = 0; r < 200; r++) {
            float[] g = Unbiased.vector(50, r);
            s.compress(g).addTo(sent, 1f);
            for (int i = 0; i < 50; i++) {
                total[i] += g[i];
            }
        }
        float[] residual = s.residual();
        for (int i = 0; i < 50; i++) {
            assertEquals(total[i], sent[i] + residual[i], 1e-3f);
        }
        assertEquals(true, s.residualNormSquared() < 50 * 25, "the residual stays bounded");
    }
}
