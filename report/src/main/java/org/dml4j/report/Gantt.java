package org.dml4j.report;

import java.util.List;
import java.util.Objects;

/**
 * Gantt charts as responsive SVG: one row per resource, its idle time hatched behind coloured blocks (hover shows
 * each block's name and times; a block wide enough carries a short text), and a time axis with nice ticks. Runs of
 * sub-pixel blocks of one colour that touch are merged into one (their tooltip says how many), which keeps
 * schedules with many thousands of operations small and readable. Pure function of its inputs; thread-safe.
 */
public final class Gantt {
    /** The fill of idle time: hatched (the pattern {@link #svg} and {@link #legend} define). */
    public static final String IDLE = "url(#idle)";
    private static final String IDLE_PATTERN = "<defs><pattern id=\"idle\" width=\"6\" height=\"6\" "
            + "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
            + "fill=\"#f4f4f4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#e06666\" stroke-width=\"1.5\" "
            + "stroke-opacity=\"0.55\"/></pattern></defs>\n";
    private static final int LEFT = 76;
    private static final int RIGHT = 16;
    private static final int TOP = 12;
    private static final int ROW = 22;
    private static final int GAP = 4;

    private Gantt() {
    }

    /**
     * @param start start time
     * @param end   end time, {@code >= start}
     * @param fill  its colour (trusted markup)
     * @param name  what it is, shown on hover with its times
     * @param text  a short text drawn on it when it is wide enough (empty for none)
     */
    public record Block(double start, double end, String fill, String name, String text) {
        /** Validates the times. */
        public Block {
            if (!(end >= start)) {
                throw new IllegalArgumentException("block '" + name + "': end " + end + " is before start " + start);
            }
            Objects.requireNonNull(fill, "fill");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * @param label       the resource's name, left of its row
     * @param idleTooltip shown on hover over its idle time
     * @param blocks      its blocks in time order
     */
    public record Row(String label, String idleTooltip, List<Block> blocks) {
        /** Copies the blocks. */
        public Row {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(idleTooltip, "idleTooltip");
            blocks = List.copyOf(blocks);
        }
    }

    /**
     * @param width     natural width in pixels (at least 200)
     * @param total     the time the chart spans, from 0
     * @param rows      the rows, top to bottom
     * @param axisLabel the time axis's title
     * @return an {@code <svg>} element
     */
    public static String svg(int width, double total, List<Row> rows, String axisLabel) {
        if (width < 200) {
            throw new IllegalArgumentException("width must be >= 200, got " + width);
        }
        if (!(total >= 0 && Double.isFinite(total))) {
            throw new IllegalArgumentException("total must be finite and >= 0, got " + total);
        }
        Plot plot = new Plot(LEFT, TOP, width - LEFT - RIGHT, rows.size() * (ROW + GAP) + 2);
        Svg svg = new Svg(width, (int) Math.ceil(plot.bottom()) + 36, 10, "");
        svg.raw(IDLE_PATTERN);
        Axis time = Axis.exact(0, total > 0 ? total : 1, 10);
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            double y = TOP + r * (ROW + GAP);
            svg.text(LEFT - 6, y + ROW / 2.0 + 3.5, "text-anchor=\"end\"", row.label());
            svg.rect(LEFT, y, plot.width(), ROW, "fill=\"" + IDLE + "\"", row.idleTooltip());
            drawBlocks(svg, plot, time, row.blocks(), y);
        }
        svg.line(plot.left(), plot.bottom(), plot.right(), plot.bottom(), "stroke=\"#333\"", null);
        plot.xAxis(svg, time, axisLabel, false);
        return svg.end();
    }

    private static void drawBlocks(Svg svg, Plot plot, Axis time, List<Block> blocks, double y) {
        int i = 0;
        while (i < blocks.size()) {
            Block b = blocks.get(i);
            double x0 = plot.x(time, b.start());
            double x1 = plot.x(time, b.end());
            int j = i + 1;
            if (x1 - x0 < 1) {
                while (j < blocks.size()) {
                    Block next = blocks.get(j);
                    double nx0 = plot.x(time, next.start());
                    double nx1 = plot.x(time, next.end());
                    if (!next.fill().equals(b.fill()) || nx0 - x1 > 0.25 || nx1 - x0 > 4) {
                        break;
                    }
                    x1 = nx1;
                    j++;
                }
            }
            double w = Math.max(x1 - x0, 0.5);
            svg.rect(x0, y, w, ROW, "fill=\"" + b.fill() + "\" stroke=\"#fff\" stroke-width=\""
                    + (w > 3 ? "0.6" : "0") + "\"", b.name() + (j - i > 1 ? " (+" + (j - i - 1) + " more)" : "")
                    + ": " + Num.value(b.start()) + " to " + Num.value(blocks.get(j - 1).end()));
            if (j - i == 1 && !b.text().isEmpty() && w >= 6.5 * b.text().length() + 2) {
                svg.text(x0 + w / 2, y + ROW / 2.0 + 3.5, "text-anchor=\"middle\" fill=\"#fff\"", b.text());
            }
            i = j;
        }
    }

    /**
     * @param items the block colours and what they mean; {@link #IDLE} may be among the fills
     * @param note  a closing remark after the swatches (empty for none)
     * @return the legend as an {@code <svg>} element
     */
    public static String legend(List<Legend.Item> items, String note) {
        double w = Legend.width(items);
        int width = (int) Math.ceil(w + 8 + 6.6 * note.length());
        Svg svg = new Svg(width, 20, 11, "");
        svg.raw(IDLE_PATTERN);
        Legend.draw(svg, 2, 2, w + 1, items);
        if (!note.isEmpty()) {
            svg.text(w + 6, 14, "fill=\"#555\" font-size=\"11\"", note);
        }
        return svg.end();
    }
}
