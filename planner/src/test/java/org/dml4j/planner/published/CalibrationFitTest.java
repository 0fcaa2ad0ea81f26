package org.dml4j.planner.published;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dml4j.planner.published.PublishedRuns.Calibration;
import org.dml4j.planner.published.PublishedRuns.Run;
import org.junit.jupiter.api.Test;

/**
 * The compute model's fitted numbers are what {@link CalibrationFit} finds on the calibration set, and the
 * GEMM-size-dependent efficiency that the same fit prefers does not hold on the validation set.
 */
class CalibrationFitTest {
    private final CalibrationFit fit = new CalibrationFit();

    @Test
    void calibrationFactorsInTheCodeAreTheFitsMinimumAtTheirRounding() {
        // Prepare
        Calibration code = Calibration.CURRENT;

        // Execute: each factor, in order, on its own calibration rows, starting from the code's values
        Calibration refit = fit.fitFactors(code);

        // Assert: no grid step of 0.01 lowers any factor's loss
        assertEquals(code.a100(), refit.a100(), 1e-9, "A100 efficiency (" + refit + ")");
        assertEquals(code.core(), refit.core(), 1e-9, "megatron-core factor (" + refit + ")");
        assertEquals(code.hopper(), refit.hopper(), 1e-9, "Hopper efficiency (" + refit + ")");
        assertEquals(0, code.ridge(), "the GEMM size dependence is off by default");
    }

    @Test
    void calibrationPrefersAGemmSizeCurveThatTheValidationSetRejects() {
        // Prepare: the curve at the ridge factor the calibration loss prefers (CalibrationFit.main: 4), with the three
        // factors refitted on their calibration rows at it
        Calibration off = Calibration.CURRENT;
        Calibration curve = fit.fitFactors(CalibrationFit.with(off, 3, 4.0));

        // Execute
        double lossOff = fit.loss(off, "");
        double lossCurve = fit.loss(curve, "");
        long missesOff = validationMisses(off);
        long missesCurve = validationMisses(curve);

        // Assert: in sample the curve fits better; out of sample it misses where the model without it does not
        // (a miss: beyond 10% or beyond 3 MFU points; since tensor-parallel overlap is modelled: Llama 3 405B at 8192
        // GPUs, +10.1% and +4.4 points, and ZeRO-3 530B on 640 GPUs, +3.3 points). When a change to the model makes
        // the curve hold out of sample, this fails and docs/planner.md changes.
        assertTrue(lossCurve < 0.7 * lossOff, lossCurve + " vs " + lossOff + " (" + curve + ")");
        assertEquals(0, missesOff, "validation misses without the curve");
        assertTrue(missesCurve >= 2, missesCurve + " validation misses with the curve (" + curve + ")");
    }

    private static long validationMisses(Calibration k) {
        long n = 0;
        for (Run r : PublishedRuns.load("validation")) {
            org.dml4j.planner.Plan p = PublishedRuns.predict(r, k);
            if (Math.abs(r.error(p)) > PublishedRuns.GOAL || Math.abs(r.pointsError(p)) > PublishedRuns.GOAL_POINTS) {
                n++;
            }
        }
        return n;
    }
}
