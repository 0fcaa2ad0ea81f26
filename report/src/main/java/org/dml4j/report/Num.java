package org.dml4j.report;

import java.util.Locale;

/** Numbers as the report kit writes them: coordinates, and values for people. Stateless and thread-safe. */
public final class Num {
    private Num() {
    }

    /**
     * @param x a coordinate
     * @return it with at most two decimals (integers plainly)
     */
    public static String coord(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e9) {
            return Long.toString((long) x);
        }
        return String.format(Locale.ROOT, "%.2f", x);
    }

    /**
     * @param x a value
     * @return it for people: integers plainly, else up to 4 significant digits (scientific notation when very large
     *     or small), a dash for NaN
     */
    public static String value(double x) {
        if (Double.isNaN(x)) {
            return "–";
        }
        if (x == Math.rint(x) && Math.abs(x) < 1e12) {
            return Long.toString((long) x);
        }
        double a = Math.abs(x);
        if (a >= 1e6 || (a < 1e-3 && a > 0)) {
            return String.format(Locale.ROOT, "%.3e", x);
        }
        return trimZeros(String.format(Locale.ROOT, "%.4g", x));
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
