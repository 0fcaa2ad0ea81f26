package org.dml4j.compress.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GammaFedHtScheduleTest {
    @Test
    void matchesTheSpecExample() {
        // γ_0 = 0.1, γ_T = 0.001, α = 1: λ/λ_0 = 0.315, 0.707, 0.315 at γ = 0.1, 0.01, 0.001
        assertEquals(0.315, GammaFedHtSchedule.threshold(1, 1, 0.1, 0.1, 0.001), 5e-4);
        assertEquals(Math.sqrt(0.5), GammaFedHtSchedule.threshold(1, 1, 0.01, 0.1, 0.001), 1e-12);
        assertEquals(0.315, GammaFedHtSchedule.threshold(1, 1, 0.001, 0.1, 0.001), 5e-4);
    }

    @Test
    void agreesWithThePrintedFormulaAndStaysFiniteAtExtremes() {
        double g0 = 0.5;
        double gT = 1e-4;
        for (double alpha : new double[] {0.5, 1, 2}) {
            for (double g = g0; g >= gT; g /= 3) {
                double printed = Math.sqrt(Math.pow(g, alpha) * Math.pow(g0 * gT, alpha / 2)
                        / (Math.pow(g, 2 * alpha) + Math.pow(g0 * gT, alpha)));
                assertEquals(printed, GammaFedHtSchedule.threshold(1, alpha, g, g0, gT), 1e-12);
            }
        }
        double tiny = GammaFedHtSchedule.threshold(2, 50, 1e-300, 0.1, 0.001);
        assertTrue(tiny >= 0 && tiny < 1e-100, "→ 0 as γ → 0 without overflow: " + tiny);
        double huge = GammaFedHtSchedule.threshold(2, 50, 1e300, 0.1, 0.001);
        assertTrue(huge >= 0 && Double.isFinite(huge));
    }

    @Test
    void roundsUseTheNextRateAndCalibrationHitsTheTarget() {
        double[] rates = {0.1, 0.05, 0.01, 0.001};
        GammaFedHtSchedule s = new GammaFedHtSchedule(2, 1, rates);
        assertEquals(s.thresholdForRate(0.05), s.threshold(0));
        assertEquals(s.thresholdForRate(0.001), s.threshold(2));
        assertEquals(s.thresholdForRate(0.001), s.threshold(3));
        assertEquals(s.thresholdForRate(0.001), s.threshold(100));
        double l0 = GammaFedHtSchedule.lambda0For(0.02, 1, rates);
        assertEquals(0.02, new GammaFedHtSchedule(l0, 1, rates).threshold(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new GammaFedHtSchedule(0, 1, rates));
        assertThrows(IllegalArgumentException.class, () -> new GammaFedHtSchedule(1, -1, rates));
        assertThrows(IllegalArgumentException.class, () -> new GammaFedHtSchedule(1, 1, new double[] {}));
        assertThrows(IllegalArgumentException.class, () -> new GammaFedHtSchedule(1, 1, new double[] {0.1, -1}));
        assertThrows(IllegalArgumentException.class, () -> s.threshold(-1));
    }
}
