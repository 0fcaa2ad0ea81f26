package org.dml4j.report;

/**
 * The rectangle a chart plots in, the mapping of values to pixels in it, and its axes drawn around it (grid lines,
 * tick labels from {@link Axis#label}, axis titles).
 *
 * @param left   left edge
 * @param top    top edge
 * @param width  width, positive
 * @param height height, positive
 */
public record Plot(double left, double top, double width, double height) {
    private static final String GRID = "stroke=\"#e5e5e5\"";

    /** Validates the size. */
    public Plot {
        if (!(width > 0 && height > 0)) {
            throw new IllegalArgumentException("plot size must be positive, got " + width + " x " + height);
        }
    }

    /** @return the bottom edge */
    public double bottom() {
        return top + height;
    }

    /** @return the right edge */
    public double right() {
        return left + width;
    }

    /**
     * @param a the horizontal axis
     * @param v a value on it
     * @return its x pixel
     */
    public double x(Axis a, double v) {
        return a.position(v, left, right());
    }

    /**
     * @param a the vertical axis
     * @param v a value on it
     * @return its y pixel
     */
    public double y(Axis a, double v) {
        return a.position(v, bottom(), top);
    }

    /**
     * Horizontal grid lines at the vertical axis's ticks, their labels on the left, and the axis title.
     *
     * @param svg   where to draw
     * @param a     the vertical axis
     * @param title the axis title (empty for none)
     */
    public void yAxis(Svg svg, Axis a, String title) {
        for (double t : a.ticks()) {
            double py = y(a, t);
            svg.line(left, py, right(), py, GRID, null);
            svg.text(left - 6, py + 4, "text-anchor=\"end\"", a.label(t));
        }
        if (!title.isEmpty()) {
            svg.text(0, 0, "text-anchor=\"middle\" transform=\"translate(14 " + Num.coord(top + height / 2)
                    + ") rotate(-90)\"", title);
        }
    }

    /**
     * The horizontal axis's ticks with their labels below the plot, as grid lines or as short marks, and its title.
     *
     * @param svg   where to draw
     * @param a     the horizontal axis
     * @param title the axis title (empty for none), at the right end
     * @param grid  vertical grid lines across the plot, else tick marks under it
     */
    public void xAxis(Svg svg, Axis a, String title, boolean grid) {
        for (double t : a.ticks()) {
            double px = x(a, t);
            if (grid) {
                svg.line(px, top, px, bottom(), GRID, null);
            } else {
                svg.line(px, bottom(), px, bottom() + 4, "stroke=\"#333\"", null);
            }
            svg.text(px, bottom() + 15, "text-anchor=\"middle\"", a.label(t));
        }
        if (!title.isEmpty()) {
            svg.text(grid ? left + width / 2 : right(), bottom() + 32, grid ? "text-anchor=\"middle\""
                    : "text-anchor=\"end\" fill=\"#555\"", title);
        }
    }

    /**
     * @param svg where to draw the plot's border
     */
    public void frame(Svg svg) {
        svg.rect(left, top, width, height, "fill=\"none\" stroke=\"#333\"", null);
    }

    /**
     * Dashed horizontal lines across the plot, labelled at their right end.
     *
     * @param svg   where to draw
     * @param a     the vertical axis
     * @param rules the lines
     */
    public void rules(Svg svg, Axis a, java.util.List<Rule> rules) {
        for (Rule r : rules) {
            double py = y(a, r.value());
            svg.line(left, py, right(), py, "stroke=\"#222\" stroke-width=\"1.2\" stroke-dasharray=\"6,4\"",
                    r.label());
            svg.text(right() - 4, py - 4, "text-anchor=\"end\" fill=\"#222\"", r.label());
        }
    }

    /**
     * @param svg   where to draw
     * @param title the chart's title, centred above the plot
     */
    public static void title(Svg svg, String title) {
        svg.text(svg.width() / 2.0, 20, "text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\"", title);
    }
}
