package org.dml4j.report;

/**
 * Writes one SVG element: responsive (a {@code viewBox}, {@code width="100%"} and its natural width as the largest),
 * with the shapes the charts need. Text and tooltips are escaped here ({@link Xml#esc}); the {@code attrs} arguments
 * are trusted markup from the kit's own callers (colours, strokes), never user text.
 *
 * <p>Not thread-safe; one chart builds it, then {@link #end()}.
 */
public final class Svg {
    private final StringBuilder sb = new StringBuilder(4096);
    private final int width;
    private final int height;

    /**
     * @param width    natural width in pixels, positive
     * @param height   natural height in pixels, positive
     * @param fontSize default font size in pixels
     * @param title    accessible title (plain text; empty for none)
     */
    public Svg(int width, int height, int fontSize, String title) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("svg size must be positive, got " + width + " x " + height);
        }
        this.width = width;
        this.height = height;
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" width=\"100%\" style=\"max-width:").append(width)
                .append("px\" preserveAspectRatio=\"xMinYMin meet\" font-family=\"sans-serif\" font-size=\"")
                .append(fontSize).append("\" role=\"img\">\n");
        if (!title.isEmpty()) {
            sb.append("<title>").append(Xml.esc(title)).append("</title>\n");
        }
    }

    /** @return the natural width */
    public int width() {
        return width;
    }

    /** @return the natural height */
    public int height() {
        return height;
    }

    /**
     * @param markup trusted SVG markup (definitions, patterns)
     * @return this
     */
    public Svg raw(String markup) {
        sb.append(markup);
        return this;
    }

    /**
     * @param x       left
     * @param y       top
     * @param w       width
     * @param h       height
     * @param attrs   trusted attributes (fill, stroke)
     * @param tooltip plain text shown on hover, or null
     * @return this
     */
    public Svg rect(double x, double y, double w, double h, String attrs, String tooltip) {
        sb.append("<rect x=\"").append(Num.coord(x)).append("\" y=\"").append(Num.coord(y)).append("\" width=\"")
                .append(Num.coord(w)).append("\" height=\"").append(Num.coord(h)).append("\" ").append(attrs);
        return close("rect", tooltip);
    }

    /**
     * @param x1      start x
     * @param y1      start y
     * @param x2      end x
     * @param y2      end y
     * @param attrs   trusted attributes (stroke, dashes)
     * @param tooltip plain text shown on hover, or null
     * @return this
     */
    public Svg line(double x1, double y1, double x2, double y2, String attrs, String tooltip) {
        sb.append("<line x1=\"").append(Num.coord(x1)).append("\" y1=\"").append(Num.coord(y1)).append("\" x2=\"")
                .append(Num.coord(x2)).append("\" y2=\"").append(Num.coord(y2)).append("\" ").append(attrs);
        return close("line", tooltip);
    }

    /**
     * @param cx      centre x
     * @param cy      centre y
     * @param r       radius
     * @param attrs   trusted attributes
     * @param tooltip plain text shown on hover, or null
     * @return this
     */
    public Svg circle(double cx, double cy, double r, String attrs, String tooltip) {
        sb.append("<circle cx=\"").append(Num.coord(cx)).append("\" cy=\"").append(Num.coord(cy)).append("\" r=\"")
                .append(Num.coord(r)).append("\" ").append(attrs);
        return close("circle", tooltip);
    }

    /**
     * @param xs    x coordinates
     * @param ys    y coordinates, same length
     * @param attrs trusted attributes (stroke)
     * @return this
     */
    public Svg polyline(double[] xs, double[] ys, String attrs) {
        sb.append("<polyline fill=\"none\" ").append(attrs).append(" points=\"");
        for (int i = 0; i < xs.length; i++) {
            sb.append(i == 0 ? "" : " ").append(Num.coord(xs[i])).append(',').append(Num.coord(ys[i]));
        }
        sb.append("\"/>\n");
        return this;
    }

    /**
     * @param x     anchor x
     * @param y     baseline y
     * @param attrs trusted attributes (text-anchor, font size, fill, transform)
     * @param text  plain text
     * @return this
     */
    public Svg text(double x, double y, String attrs, String text) {
        sb.append("<text x=\"").append(Num.coord(x)).append("\" y=\"").append(Num.coord(y)).append('"')
                .append(attrs.isEmpty() ? "" : " " + attrs).append('>').append(Xml.esc(text)).append("</text>\n");
        return this;
    }

    private Svg close(String tag, String tooltip) {
        if (tooltip == null) {
            sb.append("/>\n");
        } else {
            sb.append("><title>").append(Xml.esc(tooltip)).append("</title></").append(tag).append(">\n");
        }
        return this;
    }

    /** @return the finished {@code <svg>} element */
    public String end() {
        return sb + "</svg>\n";
    }
}
