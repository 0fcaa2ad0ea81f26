package org.dml4j.fl.fedluck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FedLuckControlTest {
    private static final FedLuckControl CODE = new FedLuckControl(FedLuckControlConfig.defaults());

    /** Spec §3.4's test vectors: the code's phi, T̃ = 1.5, k in 2..60, delta in 0.01..1.00. */
    @ParameterizedTest
    @CsvSource({
        "0.1, 1, 18, 1.00",
        "0.4, 1, 5, 1.00",
        "0.1, 10, 13, 0.07",
        "0.4, 10, 3, 0.07",
        "0.1, 40, 13, 0.02",
    })
    void reproducesTheSpecsTestVectors(double alpha, double beta, int k, double delta) {
        // Execute
        FedLuckControl.Choice c = CODE.choose(alpha, beta);

        // Assert
        assertEquals(k, c.localSteps());
        assertEquals(delta, c.ratio(), 0.0);
        assertEquals(CODE.phi(k, delta, alpha, beta), c.objective(), 0.0);
        // [reconstructed] invariant: a round takes about one to two periods
        assertTrue(c.periodsPerRound() >= 1 && c.periodsPerRound() <= 2, "periods per round " + c.periodsPerRound());
    }

    @Test
    void theTheoryFormAlmostNeverCompresses() {
        // spec §3.4 (i): with delta^1 the example alpha = 0.1, beta = 10 gives (60, 1.0), against (13, 0.07)
        FedLuckControlConfig d = FedLuckControlConfig.defaults();
        FedLuckControl theory = new FedLuckControl(new FedLuckControlConfig(d.period(), d.kMin(), d.kMax(),
                d.deltaMin(), d.deltaMax(), d.deltaStep(), 1.0));
        FedLuckControl.Choice c = theory.choose(0.1, 10);
        assertEquals(60, c.localSteps());
        assertEquals(1.0, c.ratio());
    }

    @Test
    void theObjectiveIsTheCodesFormula() {
        // ((13*0.1 + 0.07*10)/1.5)^2 * (2 - 0.07) + 1, over 13 * sqrt(0.07)
        double tau = (1.3 + 0.7) / 1.5;
        assertEquals((tau * tau * 1.93 + 1) / (13 * Math.sqrt(0.07)), CODE.phi(13, 0.07, 0.1, 10), 1e-15);
        // and it is the minimum over the whole grid
        FedLuckControl.Choice c = CODE.choose(0.1, 10);
        for (int k = 2; k <= 60; k++) {
            for (int j = 1; j <= 100; j++) {
                assertTrue(CODE.phi(k, j / 100.0, 0.1, 10) >= c.objective());
            }
        }
        assertEquals(2, c.staleness());
    }

    @Test
    void fasterDevicesGetMoreStepsAndSlowerLinksLessTraffic() {
        for (double beta : new double[] {0.5, 2, 8, 30}) {
            int previousK = Integer.MAX_VALUE;
            for (double alpha = 0.05; alpha <= 0.8; alpha *= 1.25) {
                int k = CODE.choose(alpha, beta).localSteps();
                assertTrue(k <= previousK, "k rose from " + previousK + " to " + k + " at alpha " + alpha);
                previousK = k;
            }
        }
        for (double alpha : new double[] {0.05, 0.1, 0.3}) {
            double previousDelta = 2;
            for (double beta = 0.25; beta <= 100; beta *= 1.5) {
                double d = CODE.choose(alpha, beta).ratio();
                assertTrue(d <= previousDelta, "delta rose from " + previousDelta + " to " + d + " at beta " + beta);
                previousDelta = d;
            }
        }
    }

    @Test
    void theGridHoldsExactRates() {
        FedLuckControlConfig c = FedLuckControlConfig.defaults();
        assertEquals(100, c.deltaCount());
        assertEquals(0.07, c.delta(6), 0.0);
        assertEquals(1.0, c.delta(99), 0.0);
        FedLuckControlConfig coarse = new FedLuckControlConfig(3, 1, 8, 0.1, 0.5, 0.2, 0.5);
        assertEquals(3, coarse.deltaCount());
        assertEquals(0.5, coarse.delta(2), 0.0);
        FedLuckControl.Choice one = new FedLuckControl(coarse).choose(0.2, 4);
        assertTrue(one.localSteps() >= 1 && one.localSteps() <= 8);
        assertTrue(one.ratio() == 0.1 || one.ratio() == 0.3 || one.ratio() == 0.5);
    }

    @Test
    void badInputNamesTheField() {
        assertMessage("period must be finite and > 0 seconds, got 0.0",
                () -> new FedLuckControlConfig(0, 2, 60, 0.01, 1, 0.01, 0.5));
        assertMessage("k-max must be >= k-min (5), got 4", () -> new FedLuckControlConfig(1, 5, 4, 0.01, 1, 0.01, 0.5));
        assertMessage("delta-min must be in (0, 1], got 0.0",
                () -> new FedLuckControlConfig(1, 2, 60, 0, 1, 0.01, 0.5));
        assertMessage("delta-max must be in [delta-min (0.5), 1], got 0.4",
                () -> new FedLuckControlConfig(1, 2, 60, 0.5, 0.4, 0.01, 0.5));
        assertMessage("delta-power must be in (0, 2], got 0.0",
                () -> new FedLuckControlConfig(1, 2, 60, 0.01, 1, 0.01, 0));
        assertMessage("alpha must be finite and > 0 seconds per step, got 0.0", () -> CODE.choose(0, 1));
        assertMessage("beta must be finite and >= 0 seconds, got NaN", () -> CODE.choose(0.1, Double.NaN));
    }

    @Test
    void timingEstimatesFromRecordedTimes() {
        // Prepare: 4 MB model; client 3 runs 10 steps in 2 s and 5 steps in 1 s; uploads 0.4 MB in 0.8 s, 1 MB in 2 s
        TimingEstimator e = new TimingEstimator(4_000_000);
        assertFalse(e.hasEstimate(3));

        // Execute
        e.recordCompute(3, 10, 2.0);
        e.recordCompute(3, 5, 1.0);
        assertFalse(e.hasEstimate(3));
        e.recordUpload(3, 400_000, 0.8);
        e.recordUpload(3, 1_000_000, 2.0);

        // Assert: alpha 0.2 s/step, beta = 4 MB at 0.5 MB/s = 8 s
        assertTrue(e.hasEstimate(3));
        assertEquals(0.2, e.alpha(3), 1e-15);
        assertEquals(8.0, e.beta(3), 1e-12);
        assertFalse(e.hasEstimate(2));
        assertFalse(e.hasEstimate(99));
        assertMessage("no compute time recorded for client 2", () -> e.alpha(2));
        assertMessage("steps must be >= 1, got 0", () -> e.recordCompute(1, 0, 1));
        assertMessage("seconds must be finite and >= 0, got -1.0", () -> e.recordUpload(1, 5, -1));
        assertMessage("client must be >= 0, got -1", () -> e.recordUpload(-1, 5, 1));
        // then the choice for that device
        FedLuckControl.Choice c = CODE.choose(e.alpha(3), e.beta(3));
        assertEquals(CODE.choose(0.2, 8.0), c);
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable ex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertEquals(expected, e.getMessage());
    }
}
