package org.dml4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Bar charts as responsive SVG, over named categories: groups side by side ({@link #grouped}) or stacked
 * ({@link #stacked}), with a legend when there is more than one group, a value axis from zero with nice ticks, hover
 * values on every bar, category labels thinned to fit, and dashed reference lines (a mean). Pure function of its
 * inputs; thread-safe.
 */
public final class BarChart {
    private static final int LEFT = 70;
    private static final int RIGHT = 16;
    private static final int PLOT_H = 230;
    private static final int BOTTOM = 44;

    private BarChart() {
    }

    /**
     * @param title      chart title
     * @param xLabel     title under the categories
     * @param yLabel     value axis title
     * @param categories the categories, left to right
     * @param bars       groups, drawn side by side within each category
     * @param rules      horizontal reference lines (may be empty)
     * @param width      natural width in pixels (at least 300)
     * @return an {@code <svg>} element
     */
    public static String grouped(String title, String xLabel, String yLabel, List<String> categories, List<Bars> bars,
                                 List<Rule> rules, int width) {
        return render(title, xLabel, yLabel, categories, bars, rules, width, false);
    }

    /**
     * @param title      chart title
     * @param xLabel     title under the categories
     * @param yLabel     value axis title
     * @param categories the categories, left to right
     * @param bars       groups, stacked bottom to top in this order within each category
     * @param rules      horizontal reference lines (may be empty)
     * @param width      natural width in pixels (at least 300)
     * @return an {@code <svg>} element
     */
    public static String stacked(String title, String xLabel, String yLabel, List<String> categories, List<Bars> bars,
                                 List<Rule> rules, int width) {
        return render(title, xLabel, yLabel, categories, bars, rules, width, true);
    }

    private static String render(String title, String xLabel, String yLabel, List<String> categories,
                                 List<Bars> bars, List<Rule> rules, int width, boolean stack) {
        Objects.requireNonNull(categories, "categories");
        if (bars.isEmpty()) {
            throw new IllegalArgumentException("bars must not be empty");
        }
        if (width < 300) {
            throw new IllegalArgumentException("width must be >= 300, got " + width);
        }
        int n = categories.size();
        double max = 0;
        double[] totals = new double[n];
        for (Bars b : bars) {
            if (b.size() != n) {
                throw new IllegalArgumentException("bars '" + b.name() + "' has " + b.size() + " values for " + n
                        + " categories");
            }
            for (int i = 0; i < n; i++) {
                totals[i] += b.value(i);
                max = Math.max(max, stack ? totals[i] : b.value(i));
            }
        }
        for (Rule r : rules) {
            max = Math.max(max, r.value());
        }
        List<Legend.Item> items = new ArrayList<>();
        if (bars.size() > 1) {
            for (int k = 0; k < bars.size(); k++) {
                items.add(new Legend.Item(Palette.color(k), bars.get(k).name()));
            }
        }
        double plotW = width - LEFT - RIGHT;
        int legendH = Legend.height(items, plotW);
        int top = (title.isEmpty() ? 8 : 30) + legendH + (legendH > 0 ? 8 : 0);
        Svg svg = new Svg(width, top + PLOT_H + BOTTOM, 10, title);
        svg.rect(0, 0, width, svg.height(), "fill=\"white\"", null);
        if (!title.isEmpty()) {
            Plot.title(svg, title);
        }
        Legend.draw(svg, LEFT, top - legendH - 8, plotW, items);
        Axis ay = Axis.nice(0, max > 0 ? max : 1, 5);
        Plot plot = new Plot(LEFT, top, plotW, PLOT_H);
        plot.yAxis(svg, ay, yLabel);
        double group = plotW / Math.max(1, n);
        double pad = group > 6 ? Math.min(4, group * 0.15) : 0;
        double bar = stack ? group - pad : (group - pad) / bars.size();
        double[] base = new double[n];
        for (int k = 0; k < bars.size(); k++) {
            Bars b = bars.get(k);
            String fill = "fill=\"" + Palette.color(k) + "\"";
            for (int i = 0; i < n; i++) {
                double v = b.value(i);
                double y0 = plot.y(ay, base[i]);
                double y1 = plot.y(ay, base[i] + v);
                double x = plot.left() + i * group + pad / 2 + (stack ? 0 : k * bar);
                String tip = (bars.size() > 1 ? b.name() + ", " : "") + categories.get(i) + ": " + Num.value(v)
                        + (stack && bars.size() > 1 ? " of " + Num.value(totals[i]) : "");
                svg.rect(x, y1, Math.max(bar - (bar > 3 ? 0.5 : 0), 0.5), y0 - y1, fill, tip);
                if (stack) {
                    base[i] += v;
                }
            }
        }
        svg.line(plot.left(), plot.bottom(), plot.right(), plot.bottom(), "stroke=\"#333\"", null);
        svg.line(plot.left(), plot.top(), plot.left(), plot.bottom(), "stroke=\"#333\"", null);
        plot.rules(svg, ay, rules);
        int longest = 1;
        for (String c : categories) {
            longest = Math.max(longest, c.length());
        }
        int every = (int) Math.max(1, Math.ceil((6.0 * longest + 6) / group));
        for (int i = 0; i < n; i += every) {
            svg.text(plot.left() + (i + 0.5) * group, plot.bottom() + 14, "text-anchor=\"middle\"", categories.get(i));
        }
        if (!xLabel.isEmpty()) {
            svg.text(plot.left() + plotW / 2, plot.bottom() + 32, "text-anchor=\"middle\" fill=\"#555\"", xLabel);
        }
        return svg.end();
    }
}
