package org.dml4j.report;

import java.util.Locale;

/** Numbers as the report kit writes them: coordinates, and values for people. Stateless and thread-safe. */
public final class Num {
    private Num() {
    }

    /**
     * @param x a coordinate
     * @return it with at most two decimals, no trailing zeros (integers plainly)
     */
    public static String coord(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e9) {
            return Long.toString((long) x);
        }
        return trimZeros(String.format(Locale.ROOT, "%.2f", x));
    }

    /**
     * @param x a value
     * @return it for people: integers plainly, else up to 4 significant digits but never in scientific notation
     *     between 0.001 and a trillion (large values are rounded to whole numbers), a dash for NaN
     */
    public static String value(double x) {
        if (Double.isNaN(x)) {
            return "–";
        }
        if (x == Math.rint(x) && Math.abs(x) < 1e12) {
            return Long.toString((long) x);
        }
        double a = Math.abs(x);
        if (a >= 1e12 || (a < 1e-3 && a > 0)) {
            return String.format(Locale.ROOT, "%.3e", x);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.0f", x);
        }
        return trimZeros(String.format(Locale.ROOT, a >= 1e3 ? "%.1f" : "%.4g", x));
    }

    /**
     * @param s a formatted decimal
     * @return it without trailing zeros after the point (and without a trailing point); scientific notation as is
     */
    static String trimZeros(String s) {
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
