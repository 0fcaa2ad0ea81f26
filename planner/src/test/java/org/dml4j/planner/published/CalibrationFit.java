package org.dml4j.planner.published;

import java.util.List;
import java.util.Locale;
import org.dml4j.planner.published.PublishedRuns.Calibration;
import org.dml4j.planner.published.PublishedRuns.Run;

/**
 * The fit of the compute model's numbers on the calibration set, and only on it. Each factor minimises the sum of
 * squared log errors of its own calibration rows of {@code published/runs.csv}, in this order and with the ones
 * before it fixed: the A100 efficiency on SC 2021 Table 1, the {@code megatron-core} compute factor on Korthikanti et
 * al. Table 5, the Hopper efficiency on the Megatron-LM README H100 table's odd rows. The GEMM ridge factor is chosen
 * by the loss of the whole calibration set with the three refitted at each value. No validation row enters a loss.
 * {@link #main} runs the fit for a list of ridge factors and prints it; {@code CalibrationFitTest} checks that the
 * values in the code are that fit's result at their rounding.
 *
 * <p>Not thread-safe; a test or a command line owns it.
 */
final class CalibrationFit {
    /** Ids of the calibration rows each factor is fitted on, in fitting order (the docs' "fitted on" column). */
    static final String[] SUBSETS = {"sc21-t1-", "mlsys23-t5-", "mlm-h100-"};
    /** Grid step of the three factors (their rounding in the code). */
    static final double STEP = 0.01;

    private final List<Run> rows = PublishedRuns.load("calibration");

    /**
     * @param k      the fitted numbers
     * @param prefix ids of the rows to sum over ("" for all calibration rows)
     * @return the sum over those rows of {@code log(predicted / published)^2}
     */
    double loss(Calibration k, String prefix) {
        double sum = 0;
        for (Run r : rows) {
            if (r.id().startsWith(prefix)) {
                double e = Math.log1p(r.error(PublishedRuns.predict(r, k)));
                sum += e * e;
            }
        }
        return sum;
    }

    static Calibration with(Calibration k, int i, double v) {
        return switch (i) {
            case 0 -> new Calibration(v, k.hopper(), k.core(), k.ridge());
            case 1 -> new Calibration(k.a100(), v, k.core(), k.ridge());
            case 2 -> new Calibration(k.a100(), k.hopper(), v, k.ridge());
            default -> new Calibration(k.a100(), k.hopper(), k.core(), v);
        };
    }

    static double get(Calibration k, int i) {
        return switch (i) {
            case 0 -> k.a100();
            case 1 -> k.hopper();
            case 2 -> k.core();
            default -> k.ridge();
        };
    }

    /** Factor fitted on subset j: A100 efficiency, megatron-core factor, Hopper efficiency. */
    static int factorOf(int j) {
        return new int[] {0, 2, 1}[j];
    }

    /**
     * Fits the three factors one after another, each on its subset ({@link #SUBSETS}) with those before it fixed, on a
     * grid of {@link #STEP}, for a fixed ridge factor.
     *
     * @param start where to start (its ridge factor is kept)
     * @return the fitted numbers
     */
    Calibration fitFactors(Calibration start) {
        Calibration k = start;
        for (int j = 0; j < SUBSETS.length; j++) {
            int i = factorOf(j);
            double best = loss(k, SUBSETS[j]);
            for (double dir : new double[] {STEP, -STEP}) {
                while (true) {
                    double v = Math.round((get(k, i) + dir) / STEP) * STEP;
                    if (v <= 0 || (i < 2 && v > 1) || v > 2) {
                        break;
                    }
                    Calibration c = with(k, i, v);
                    double l = loss(c, SUBSETS[j]);
                    if (l < best - 1e-12) {
                        best = l;
                        k = c;
                    } else {
                        break;
                    }
                }
            }
        }
        return k;
    }

    /**
     * Runs the fit and prints every ridge factor's best factors and loss.
     *
     * @param args ridge factors to try (default 0, 0.5, ..., 4)
     */
    public static void main(String[] args) {
        CalibrationFit fit = new CalibrationFit();
        double[] ridges = args.length > 0 ? java.util.Arrays.stream(args).mapToDouble(Double::parseDouble).toArray()
                : new double[] {0, 0.5, 1, 1.5, 2, 2.5, 3, 4};
        Calibration k = Calibration.CURRENT;
        for (double ridge : ridges) {
            k = fit.fitFactors(with(k, 3, ridge));
            System.out.printf(Locale.ROOT, "%s  calibration loss %.5f%n", k, fit.loss(k, ""));
        }
    }
}
