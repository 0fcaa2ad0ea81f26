package org.dml4j.parallel.viz;

import java.util.Locale;

/** Small helpers for writing SVG and HTML by hand. Stateless and thread-safe. */
final class Svg {
    private Svg() {
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A coordinate with at most two decimals. */
    static String n(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e9) {
            return Long.toString((long) x);
        }
        return String.format(Locale.ROOT, "%.2f", x);
    }

    /** A value for people: up to 4 significant digits. */
    static String v(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e12) {
            return Long.toString((long) x);
        }
        double a = Math.abs(x);
        if (a >= 1e6 || (a < 1e-3 && a > 0)) {
            return String.format(Locale.ROOT, "%.3e", x);
        }
        String s = String.format(Locale.ROOT, "%.4g", x);
        return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** A "nice" tick step for a range, 1/2/5 x 10^k. */
    static double tickStep(double range, int targetTicks) {
        if (!(range > 0)) {
            return 1;
        }
        double raw = range / Math.max(1, targetTicks);
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / pow;
        double nice = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
        return nice * pow;
    }

    /** An axis label: 1.5k, 2M, 3G for large values. */
    static String compact(double x) {
        double a = Math.abs(x);
        if (a >= 1e9) {
            return v(x / 1e9) + "G";
        }
        if (a >= 1e6) {
            return v(x / 1e6) + "M";
        }
        if (a >= 1e4) {
            return v(x / 1e3) + "k";
        }
        return v(x);
    }
}
