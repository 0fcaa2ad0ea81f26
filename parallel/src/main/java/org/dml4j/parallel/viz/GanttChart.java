package org.dml4j.parallel.viz;

import java.util.Arrays;
import java.util.Objects;
import org.dml4j.parallel.pipeline.Op;
import org.dml4j.parallel.pipeline.OpKind;
import org.dml4j.parallel.pipeline.Schedule;
import org.dml4j.parallel.pipeline.Timeline;

/**
 * Draws a simulated pipeline iteration as an SVG Gantt chart: one row per device, one block per operation coloured
 * by kind (F, B, W, fused B+W; later chunks in a darker shade) and labelled with its micro-batch, idle time (bubbles)
 * hatched, a time axis, a legend and a caption with iteration time, bubble and peak memory. Blocks too narrow to
 * read carry no label (hovering shows it); runs of sub-pixel blocks of one kind are merged.
 *
 * <p>Stateless and thread-safe.
 */
public final class GanttChart {
    private static final int LEFT = 76;
    private static final int RIGHT = 16;
    private static final int TOP = 12;
    private static final int ROW = 22;
    private static final int GAP = 4;

    private GanttChart() {
    }

    /**
     * @param kind an op kind
     * @param chunk its chunk
     * @return its fill colour
     */
    static String color(OpKind kind, int chunk) {
        boolean dark = (chunk & 1) == 1;
        return switch (kind) {
            case F -> dark ? "#2b5d8a" : "#5b9bd5";
            case B -> dark ? "#b35f12" : "#f0a04b";
            case W -> dark ? "#3f7d3a" : "#7cc26f";
            case BW -> dark ? "#6a3d8f" : "#a57fc8";
        };
    }

    /**
     * @param timeline the simulated iteration
     * @param width    drawing width in pixels (at least 200)
     * @return an {@code <svg>} element
     */
    public static String svg(Timeline timeline, int width) {
        Objects.requireNonNull(timeline, "timeline");
        if (width < 200) {
            throw new IllegalArgumentException("width must be >= 200, got " + width);
        }
        Schedule s = timeline.schedule();
        int p = s.devices();
        double total = timeline.iterationTime();
        double plotW = width - LEFT - RIGHT;
        double scale = total > 0 ? plotW / total : 0;
        int height = TOP + p * (ROW + GAP) + 34;
        StringBuilder sb = new StringBuilder(4096 + 64 * p * Math.min(4096, s.size(0)));
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"10\">\n");
        sb.append("<defs><pattern id=\"idle\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#e06666\" stroke-width=\"1.5\" "
                + "stroke-opacity=\"0.55\"/></pattern></defs>\n");
        for (int d = 0; d < p; d++) {
            double y = TOP + d * (ROW + GAP);
            sb.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(Svg.n(y + ROW / 2.0 + 3.5))
                    .append("\" text-anchor=\"end\">device ").append(d).append("</text>\n");
            sb.append("<rect x=\"").append(LEFT).append("\" y=\"").append(Svg.n(y)).append("\" width=\"")
                    .append(Svg.n(plotW)).append("\" height=\"").append(ROW)
                    .append("\" fill=\"url(#idle)\"><title>device ").append(d).append(" idle ")
                    .append(Svg.v(timeline.idleTime(d))).append(" of ").append(Svg.v(total))
                    .append("</title></rect>\n");
            drawRow(sb, timeline, s, d, y, scale);
        }
        double axisY = TOP + p * (ROW + GAP) + 2;
        sb.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(Svg.n(axisY)).append("\" x2=\"")
                .append(Svg.n(LEFT + plotW)).append("\" y2=\"").append(Svg.n(axisY)).append("\" stroke=\"#333\"/>\n");
        double step = Svg.tickStep(total, 10);
        for (double t = 0; t <= total * (1 + 1e-9) && total > 0; t += step) {
            double x = LEFT + t * scale;
            sb.append("<line x1=\"").append(Svg.n(x)).append("\" y1=\"").append(Svg.n(axisY)).append("\" x2=\"")
                    .append(Svg.n(x)).append("\" y2=\"").append(Svg.n(axisY + 4)).append("\" stroke=\"#333\"/>")
                    .append("<text x=\"").append(Svg.n(x)).append("\" y=\"").append(Svg.n(axisY + 15))
                    .append("\" text-anchor=\"middle\">").append(Svg.v(t)).append("</text>\n");
        }
        sb.append("<text x=\"").append(Svg.n(LEFT + plotW)).append("\" y=\"").append(Svg.n(axisY + 28))
                .append("\" text-anchor=\"end\" fill=\"#555\">time</text>\n");
        sb.append("</svg>");
        return sb.toString();
    }

    private static void drawRow(StringBuilder sb, Timeline t, Schedule s, int d, double y, double scale) {
        int n = s.size(d);
        int i = 0;
        while (i < n) {
            Op op = s.op(d, i);
            double x0 = LEFT + t.start(d, i) * scale;
            double x1 = LEFT + t.finish(d, i) * scale;
            int j = i + 1;
            // merge a run of sub-pixel blocks of the same kind and chunk that touch each other
            if (x1 - x0 < 1) {
                while (j < n) {
                    Op next = s.op(d, j);
                    double nx0 = LEFT + t.start(d, j) * scale;
                    double nx1 = LEFT + t.finish(d, j) * scale;
                    if (next.kind() != op.kind() || next.chunk() != op.chunk() || nx0 - x1 > 0.25 || nx1 - x0 > 4) {
                        break;
                    }
                    x1 = nx1;
                    j++;
                }
            }
            double w = Math.max(x1 - x0, 0.5);
            String label = op.kind().label() + (s.chunks() > 1 ? "c" + op.chunk() : "") + " mb " + op.microbatch();
            sb.append("<rect x=\"").append(Svg.n(x0)).append("\" y=\"").append(Svg.n(y)).append("\" width=\"")
                    .append(Svg.n(w)).append("\" height=\"").append(ROW).append("\" fill=\"")
                    .append(color(op.kind(), op.chunk())).append("\" stroke=\"#fff\" stroke-width=\"")
                    .append(w > 3 ? "0.6" : "0").append("\"><title>").append(label)
                    .append(j - i > 1 ? " (+" + (j - i - 1) + " more)" : "").append(": ")
                    .append(Svg.v(t.start(d, i))).append(" to ").append(Svg.v(t.finish(d, j - 1)))
                    .append("</title></rect>");
            String text = Integer.toString(op.microbatch());
            if (j - i == 1 && w >= 6.5 * text.length() + 2) {
                sb.append("<text x=\"").append(Svg.n(x0 + w / 2)).append("\" y=\"").append(Svg.n(y + ROW / 2.0 + 3.5))
                        .append("\" text-anchor=\"middle\" fill=\"#fff\">").append(text).append("</text>");
            }
            sb.append('\n');
            i = j;
        }
    }

    /**
     * @param timeline the simulated iteration
     * @return the one-line caption: schedule, sizes, iteration time, bubble, pipelined time, peak memory and
     *         communication on the critical path
     */
    public static String caption(Timeline timeline) {
        Schedule s = timeline.schedule();
        double[] peaks = new double[timeline.devices()];
        for (int d = 0; d < peaks.length; d++) {
            peaks[d] = timeline.peakMemory(d);
        }
        String mem = peaks.length <= 16 ? Arrays.stream(peaks).mapToObj(Svg::v).toList().toString()
                : "max " + Svg.v(timeline.maxPeakMemory());
        return s.name() + " (p = " + s.devices() + ", m = " + s.microbatches() + ", v = " + s.chunks()
                + "): iteration time " + Svg.v(timeline.iterationTime()) + ", bubble "
                + String.format(java.util.Locale.ROOT, "%.1f%%", 100 * timeline.bubbleFraction())
                + " of device time (" + String.format(java.util.Locale.ROOT, "%.3f", timeline.bubbleRatio())
                + " x ideal), pipelined iteration " + Svg.v(timeline.pipelinedIterationTime())
                + ", peak memory per device " + mem + ", communication on the critical path "
                + Svg.v(timeline.criticalPathCommunication());
    }

    /** @return the legend as an {@code <svg>} element */
    public static String legend() {
        StringBuilder sb = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"22\" "
                + "font-family=\"sans-serif\" font-size=\"11\">");
        String[][] items = {
                {color(OpKind.F, 0), "F forward"}, {color(OpKind.B, 0), "B backward (inputs)"},
                {color(OpKind.W, 0), "W backward (weights)"}, {color(OpKind.BW, 0), "B+W fused backward"},
                {"url(#legend-idle)", "idle (bubble)"}};
        sb.append("<defs><pattern id=\"legend-idle\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#e06666\" stroke-width=\"1.5\" "
                + "stroke-opacity=\"0.55\"/></pattern></defs>");
        int x = 2;
        for (String[] it : items) {
            sb.append("<rect x=\"").append(x).append("\" y=\"4\" width=\"14\" height=\"14\" fill=\"").append(it[0])
                    .append("\" stroke=\"#999\" stroke-width=\"0.5\"/><text x=\"").append(x + 18)
                    .append("\" y=\"15\">").append(Svg.esc(it[1])).append("</text>");
            x += 26 + 6 * it[1].length();
        }
        sb.append("<text x=\"").append(x).append("\" y=\"15\" fill=\"#555\">darker shade: odd chunks (v &gt; 1)</text>");
        sb.append("</svg>");
        return sb.toString();
    }
}
