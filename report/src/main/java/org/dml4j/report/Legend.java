package org.dml4j.report;

import java.util.List;
import java.util.Objects;

/** A row of colour swatches with labels, wrapped to the width it may take. Stateless and thread-safe. */
public final class Legend {
    private static final int LINE = 16;

    private Legend() {
    }

    /**
     * @param fill  the swatch's fill (a colour or a {@code url(#pattern)}), trusted markup
     * @param label plain text
     */
    public record Item(String fill, String label) {
        /** Checks for nulls. */
        public Item {
            Objects.requireNonNull(fill, "fill");
            Objects.requireNonNull(label, "label");
        }

        private double width() {
            return 28 + 6.6 * label.length();
        }
    }

    /**
     * @param items the entries
     * @param width the width they may take
     * @return the height {@link #draw} will use
     */
    public static int height(List<Item> items, double width) {
        return items.isEmpty() ? 0 : LINE * lines(items, width);
    }

    /**
     * @param items the entries
     * @return the width they take on one line
     */
    public static double width(List<Item> items) {
        double w = 0;
        for (Item it : items) {
            w += it.width();
        }
        return w;
    }

    private static int lines(List<Item> items, double width) {
        int lines = 1;
        double x = 0;
        for (Item it : items) {
            if (x > 0 && x + it.width() > width) {
                lines++;
                x = 0;
            }
            x += it.width();
        }
        return lines;
    }

    /**
     * Draws the entries from {@code (x, y)} (top left), wrapping at {@code width}.
     *
     * @param svg   where to draw
     * @param x     left
     * @param y     top
     * @param width the width they may take
     * @param items the entries
     */
    public static void draw(Svg svg, double x, double y, double width, List<Item> items) {
        double cx = 0;
        double cy = y;
        for (Item it : items) {
            if (cx > 0 && cx + it.width() > width) {
                cx = 0;
                cy += LINE;
            }
            svg.rect(x + cx, cy + 2, 12, 12, "fill=\"" + it.fill() + "\" stroke=\"#999\" stroke-width=\"0.5\"", null);
            svg.text(x + cx + 16, cy + 12, "font-size=\"11\"", it.label());
            cx += it.width();
        }
    }
}
