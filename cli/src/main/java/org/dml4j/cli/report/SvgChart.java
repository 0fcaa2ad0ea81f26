package org.dml4j.cli.report;

import java.util.List;
import java.util.Locale;

/**
 * Renders line charts as standalone SVG: axes with "nice" ticks, grid, one coloured line per series with point
 * markers, and a legend. Pure function of its inputs; thread-safe.
 */
public final class SvgChart {
    /** Colour-blind-safe palette (Okabe–Ito). */
    private static final String[] COLORS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
        "#000000", "#F0E442"};
    private static final int W = 640;
    private static final int H = 360;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 36;
    private static final int BOTTOM = 48;

    private SvgChart() {
    }

    /**
     * @param title  chart title
     * @param xLabel x-axis label
     * @param yLabel y-axis label
     * @param series the lines
     * @return an {@code <svg>} element
     */
    public static String line(String title, String xLabel, String yLabel, List<Series> series) {
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] xs = s.x();
            double[] ys = s.y();
            for (int i = 0; i < xs.length; i++) {
                if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                    xmin = Math.min(xmin, xs[i]);
                    xmax = Math.max(xmax, xs[i]);
                    ymin = Math.min(ymin, ys[i]);
                    ymax = Math.max(ymax, ys[i]);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                + "width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">%n", W, H, W, H));
        sb.append("<title>").append(esc(title)).append("</title>\n");
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" "
                + "font-weight=\"bold\">%s</text>%n", W / 2, esc(title)));
        if (xmin > xmax) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">no data</text>%n",
                    W / 2, H / 2));
            return sb.append("</svg>\n").toString();
        }
        if (xmin == xmax) {
            xmin -= 1;
            xmax += 1;
        }
        if (ymin == ymax) {
            ymin -= Math.max(1e-9, Math.abs(ymin) * 0.1);
            ymax += Math.max(1e-9, Math.abs(ymax) * 0.1);
        }
        double[] xt = ticks(xmin, xmax, 6);
        double[] yt = ticks(ymin, ymax, 6);
        xmin = Math.min(xmin, xt[0]);
        xmax = Math.max(xmax, xt[xt.length - 1]);
        ymin = Math.min(ymin, yt[0]);
        ymax = Math.max(ymax, yt[yt.length - 1]);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        // grid and ticks
        for (double t : yt) {
            double py = TOP + ph - (t - ymin) / (ymax - ymin) * ph;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>%n",
                    LEFT, py, LEFT + pw, py, LEFT - 6, py, fmt(t)));
        }
        for (double t : xt) {
            double px = LEFT + (t - xmin) / (xmax - xmin) * pw;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e5e5\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, TOP, px, TOP + ph, px, TOP + ph + 16, fmt(t)));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#333\"/>%n", LEFT, TOP, pw, ph));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + pw / 2, H - 10, esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %d) rotate(-90)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + ph / 2, esc(yLabel)));
        // lines
        for (int s = 0; s < series.size(); s++) {
            String color = COLORS[s % COLORS.length];
            double[] xs = series.get(s).x();
            double[] ys = series.get(s).y();
            StringBuilder pts = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (int i = 0; i < xs.length; i++) {
                if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
                    continue;
                }
                double px = LEFT + (xs[i] - xmin) / (xmax - xmin) * pw;
                double py = TOP + ph - (ys[i] - ymin) / (ymax - ymin) * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                if (xs.length <= 60) {
                    marks.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\">"
                            + "<title>%s: (%s, %s)</title></circle>", px, py, color, esc(series.get(s).name()),
                            fmt(xs[i]), fmt(ys[i])));
                }
            }
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                    + "points=\"%s\"/>%s%n", color, pts.toString().trim(), marks));
        }
        // legend, in the plot corner that the lines cross least
        int longest = 0;
        for (Series se : series) {
            longest = Math.max(longest, se.name().length());
        }
        int lw = Math.min(pw / 2, 36 + 7 * longest);
        int lh = 16 * series.size() + 6;
        int[][] corners = {{LEFT + pw - lw, TOP + 4}, {LEFT + pw - lw, TOP + ph - lh - 4}, {LEFT + 8, TOP + ph - lh - 4},
            {LEFT + 8, TOP + 4}};
        int best = 0;
        int bestCount = Integer.MAX_VALUE;
        for (int c = 0; c < corners.length; c++) {
            int count = 0;
            for (Series se : series) {
                double[] xs = se.x();
                double[] ys = se.y();
                for (int i = 0; i < xs.length; i++) {
                    double px = LEFT + (xs[i] - xmin) / (xmax - xmin) * pw;
                    double py = TOP + ph - (ys[i] - ymin) / (ymax - ymin) * ph;
                    if (px >= corners[c][0] - 8 && px <= corners[c][0] + lw && py >= corners[c][1] - 8
                            && py <= corners[c][1] + lh + 8) {
                        count++;
                    }
                }
            }
            if (count < bestCount) {
                bestCount = count;
                best = c;
            }
        }
        int lx = corners[best][0];
        int ly = corners[best][1];
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" "
                + "fill-opacity=\"0.85\" stroke=\"#ccc\"/>%n", lx, ly, lw, lh));
        for (int s = 0; s < series.size(); s++) {
            String color = COLORS[s % COLORS.length];
            int y = ly + 11 + s * 16;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" dominant-baseline=\"middle\">%s</text>%n",
                    lx + 6, y - 1, color, lx + 26, y, esc(series.get(s).name())));
        }
        return sb.append("</svg>\n").toString();
    }

    /** Evenly spaced ticks at 1, 2 or 5 times a power of ten covering [lo, hi]. */
    static double[] ticks(double lo, double hi, int target) {
        double raw = (hi - lo) / Math.max(1, target - 1);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            step = m * mag;
            if (raw <= step) {
                break;
            }
        }
        double first = Math.floor(lo / step) * step;
        double last = Math.ceil(hi / step) * step;
        int n = (int) Math.round((last - first) / step) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = first + i * step;
        }
        return t;
    }

    /**
     * @param v a number
     * @return a short label: integers plainly, large values with k/M/G suffixes, fractions with 3 significant digits
     */
    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e9)) + "G";
        }
        if (a >= 1e6) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e6)) + "M";
        }
        if (a >= 1e4) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e3)) + "k";
        }
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        return trim(String.format(Locale.ROOT, "%.3g", v));
    }

    private static String trim(String s) {
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /**
     * @param s text
     * @return the text escaped for XML
     */
    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
