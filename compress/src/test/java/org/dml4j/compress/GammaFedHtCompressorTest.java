package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.compress.adaptive.GammaFedHtSchedule;
import org.junit.jupiter.api.Test;

class GammaFedHtCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "gamma-fedht";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("lambda0", 2.0, "alpha", 1.0, "rates", new double[] {0.1, 0.05, 0.01, 0.001},
                "error-feedback", false);
    }

    @Test
    void thresholdFollowsTheScheduleOfTheGivenRound() {
        double[] rates = {0.1, 0.05, 0.01, 0.001};
        GammaFedHtSchedule sched = new GammaFedHtSchedule(2.0, 1.0, rates);
        CompressorState s = compressor().newState(1000, new SplittableRandom(1));
        float[] x = Unbiased.vector(1000, 3);
        for (int round : new int[] {2, 0, 3, 1}) {
            s.beginRound(round);
            float t = (float) sched.threshold(round);
            int want = 0;
            for (float v : x) {
                want += Math.abs(v) >= t ? 1 : 0;
            }
            assertEquals(want, s.compress(x).elements(), "round " + round);
        }
        assertThrows(UnsupportedOperationException.class, () -> s.setThreshold(1));
    }

    @Test
    void errorFeedbackIsOnByDefault() {
        GradientCompressor c = Compressors.create("gamma-fedht", Map.of("lambda0", 1, "alpha", 1,
                "rates", java.util.List.of(0.1, 0.01)));
        assertEquals(true, c instanceof ErrorFeedback);
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("gamma-fedht", Map.of("lambda0", 1,
                "alpha", 1, "rates", java.util.List.of(0.1, 0.0))));
    }
}
