package org.dml4j.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Line charts as responsive SVG: a title, a legend, axes with nice ticks and a grid, one coloured line per series
 * (with point markers and hover values when there are few points), and dashed reference lines such as an accuracy
 * target (the value axis always reaches them). Pure function of its inputs; thread-safe.
 */
public final class LineChart {
    private static final int W = 640;
    private static final int PLOT_H = 270;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int BOTTOM = 48;
    private static final int MAX_MARKED_POINTS = 60;

    private LineChart() {
    }

    /**
     * @param title  chart title
     * @param xLabel x-axis title
     * @param yLabel y-axis title
     * @param series the lines
     * @param rules  horizontal reference lines (may be empty)
     * @return an {@code <svg>} element; "no data" when no series has a finite point
     */
    public static String svg(String title, String xLabel, String yLabel, List<Series> series, List<Rule> rules) {
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
        List<Legend.Item> items = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            items.add(new Legend.Item(Palette.color(s), series.get(s).name()));
        }
        int legendH = Legend.height(items, W - LEFT - RIGHT);
        int top = 30 + legendH + (legendH > 0 ? 8 : 0);
        Svg svg = new Svg(W, top + PLOT_H + BOTTOM, 12, title);
        svg.rect(0, 0, W, svg.height(), "fill=\"white\"", null);
        Plot.title(svg, title);
        if (xmin > xmax) {
            svg.text(W / 2.0, top + PLOT_H / 2.0, "text-anchor=\"middle\"", "no data");
            return svg.end();
        }
        for (Rule r : rules) {
            ymin = Math.min(ymin, r.value());
            ymax = Math.max(ymax, r.value());
        }
        Legend.draw(svg, LEFT, 30, W - LEFT - RIGHT, items);
        Axis ax = Axis.nice(xmin, xmax, 6);
        Axis ay = Axis.nice(ymin, ymax, 5);
        Plot plot = new Plot(LEFT, top, W - LEFT - RIGHT, PLOT_H);
        plot.yAxis(svg, ay, yLabel);
        plot.xAxis(svg, ax, xLabel, true);
        plot.frame(svg);
        plot.rules(svg, ay, rules);
        for (int s = 0; s < series.size(); s++) {
            String color = Palette.color(s);
            Series se = series.get(s);
            double[] xs = se.x();
            double[] ys = se.y();
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < xs.length; i++) {
                if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                    pts.add(new double[] {xs[i], ys[i]});
                }
            }
            double[] px = new double[pts.size()];
            double[] py = new double[pts.size()];
            for (int i = 0; i < px.length; i++) {
                px[i] = plot.x(ax, pts.get(i)[0]);
                py[i] = plot.y(ay, pts.get(i)[1]);
            }
            svg.polyline(px, py, "stroke=\"" + color + "\" stroke-width=\"2\"");
            if (px.length <= MAX_MARKED_POINTS) {
                for (int i = 0; i < px.length; i++) {
                    svg.circle(px[i], py[i], 2.5, "fill=\"" + color + "\"", se.name() + ": ("
                            + Num.value(pts.get(i)[0]) + ", " + Num.value(pts.get(i)[1]) + ")");
                }
            }
        }
        return svg.end();
    }
}
