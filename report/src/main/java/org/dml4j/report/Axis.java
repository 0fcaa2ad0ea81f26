package org.dml4j.report;

import java.util.Locale;

/**
 * A linear axis: the range drawn and the step of its "nice" ticks (1, 2, 2.5 or 5 times a power of ten), with the
 * labels the ticks get. The one tick code of the report kit: line, bar and Gantt charts all use it.
 *
 * @param min  low end of the drawn range
 * @param max  high end, above {@code min}
 * @param step distance between ticks, positive
 */
public record Axis(double min, double max, double step) {
    private static final double[] NICE = {1, 2, 2.5, 5, 10};

    /** Validates the range and step. */
    public Axis {
        if (!(Double.isFinite(min) && Double.isFinite(max) && min < max)) {
            throw new IllegalArgumentException("axis range must be finite with min < max, got [" + min + ", " + max
                    + "]");
        }
        if (!(step > 0 && Double.isFinite(step))) {
            throw new IllegalArgumentException("axis step must be positive, got " + step);
        }
    }

    /**
     * An axis whose range is widened to whole ticks around the data (line charts).
     *
     * @param lo     smallest value to show
     * @param hi     largest value to show, {@code >= lo}
     * @param target about how many tick intervals
     * @return the axis; a single value gets a small range around it
     */
    public static Axis nice(double lo, double hi, int target) {
        double[] r = range(lo, hi);
        double step = niceStep(r[1] - r[0], target);
        return new Axis(Math.min(r[0], Math.floor(r[0] / step + 1e-9) * step),
                Math.max(r[1], Math.ceil(r[1] / step - 1e-9) * step), step);
    }

    /**
     * An axis over exactly {@code [lo, hi]}, its ticks inside (a Gantt chart's time).
     *
     * @param lo     low end
     * @param hi     high end, {@code >= lo}
     * @param target about how many tick intervals
     * @return the axis; a single value gets a small range around it
     */
    public static Axis exact(double lo, double hi, int target) {
        double[] r = range(lo, hi);
        return new Axis(r[0], r[1], niceStep(r[1] - r[0], target));
    }

    private static double[] range(double lo, double hi) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo <= hi)) {
            throw new IllegalArgumentException("axis data must be finite with lo <= hi, got [" + lo + ", " + hi + "]");
        }
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            return new double[] {lo - pad, hi + pad};
        }
        return new double[] {lo, hi};
    }

    /**
     * @param range  a positive range
     * @param target about how many intervals (at least 1)
     * @return the smallest step of 1, 2, 2.5 or 5 times a power of ten that divides the range into at most
     *     {@code target} intervals
     */
    static double niceStep(double range, int target) {
        if (target < 1) {
            throw new IllegalArgumentException("target must be >= 1, got " + target);
        }
        double raw = range / target;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : NICE) {
            if (raw <= m * mag * (1 + 1e-9)) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    /** @return the tick values: the multiples of the step inside the range */
    public double[] ticks() {
        long first = (long) Math.ceil(min / step - 1e-9);
        long last = (long) Math.floor(max / step + 1e-9);
        double[] t = new double[(int) Math.max(0, last - first + 1)];
        for (int i = 0; i < t.length; i++) {
            t[i] = (first + i) * step;
        }
        return t;
    }

    /**
     * @param v    a value
     * @param from the pixel of {@link #min()}
     * @param to   the pixel of {@link #max()}
     * @return the pixel of {@code v}
     */
    public double position(double v, double from, double to) {
        return from + (v - min) / (max - min) * (to - from);
    }

    /**
     * @param v a tick value
     * @return its label, with as many decimals as the step needs, and a k, M or G suffix when the axis reaches
     *     10 000, a million or a billion (zero is always "0")
     */
    public String label(double v) {
        if (Math.abs(v) < step * 1e-9) {
            return "0";
        }
        double a = Math.max(Math.abs(min), Math.abs(max));
        double unit = a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : a >= 1e4 ? 1e3 : 1;
        String suffix = a >= 1e9 ? "G" : a >= 1e6 ? "M" : a >= 1e4 ? "k" : "";
        double s = step / unit;
        int decimals = 0;
        while (decimals < 16 && Math.abs(s * Math.pow(10, decimals) - Math.rint(s * Math.pow(10, decimals)))
                > 1e-6 * s * Math.pow(10, decimals)) {
            decimals++;
        }
        String text = String.format(Locale.ROOT, "%." + decimals + "f", v / unit);
        if (text.matches("-0(\\.0*)?")) {
            text = text.substring(1);
        }
        return text + suffix;
    }
}
