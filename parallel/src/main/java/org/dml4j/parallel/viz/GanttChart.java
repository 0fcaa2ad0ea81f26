package org.dml4j.parallel.viz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.dml4j.parallel.pipeline.Op;
import org.dml4j.parallel.pipeline.OpKind;
import org.dml4j.parallel.pipeline.Schedule;
import org.dml4j.parallel.pipeline.Timeline;
import org.dml4j.report.Gantt;
import org.dml4j.report.Legend;
import org.dml4j.report.Num;
import org.dml4j.report.Page;

/**
 * Draws a simulated pipeline iteration as a Gantt chart of the report kit ({@link Gantt}): one row per device, one
 * block per operation coloured by kind (F, B, W, fused B+W; later chunks in a darker shade) and labelled with its
 * micro-batch, idle time (bubbles) hatched, a time axis, a legend and a caption with iteration time, bubble and peak
 * memory.
 *
 * <p>Stateless and thread-safe.
 */
public final class GanttChart {
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
        Schedule s = timeline.schedule();
        double total = timeline.iterationTime();
        List<Gantt.Row> rows = new ArrayList<>(s.devices());
        for (int d = 0; d < s.devices(); d++) {
            List<Gantt.Block> blocks = new ArrayList<>(s.size(d));
            for (int i = 0; i < s.size(d); i++) {
                Op op = s.op(d, i);
                blocks.add(new Gantt.Block(timeline.start(d, i), timeline.finish(d, i), color(op.kind(), op.chunk()),
                        op.kind().label() + (s.chunks() > 1 ? "c" + op.chunk() : "") + " mb " + op.microbatch(),
                        Integer.toString(op.microbatch())));
            }
            rows.add(new Gantt.Row("device " + d, "device " + d + " idle " + Num.value(timeline.idleTime(d)) + " of "
                    + Num.value(total), blocks));
        }
        return Gantt.svg(width, total, rows, "time");
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
        String mem = peaks.length <= 16 ? Arrays.stream(peaks).mapToObj(Num::value).toList().toString()
                : "max " + Num.value(timeline.maxPeakMemory());
        return s.name() + " (p = " + s.devices() + ", m = " + s.microbatches() + ", v = " + s.chunks()
                + "): iteration time " + Num.value(timeline.iterationTime()) + ", bubble "
                + String.format(Locale.ROOT, "%.1f%%", 100 * timeline.bubbleFraction())
                + " of device time (" + String.format(Locale.ROOT, "%.3f", timeline.bubbleRatio())
                + " x ideal), pipelined iteration " + Num.value(timeline.pipelinedIterationTime())
                + ", peak memory per device " + mem + ", communication on the critical path "
                + Num.value(timeline.criticalPathCommunication());
    }

    /** @return the legend as an {@code <svg>} element */
    public static String legend() {
        return Gantt.legend(List.of(new Legend.Item(color(OpKind.F, 0), "F forward"),
                new Legend.Item(color(OpKind.B, 0), "B backward (inputs)"),
                new Legend.Item(color(OpKind.W, 0), "W backward (weights)"),
                new Legend.Item(color(OpKind.BW, 0), "B+W fused backward"),
                new Legend.Item(Gantt.IDLE, "idle (bubble)")), "darker shade: odd chunks (v > 1)");
    }

    /**
     * Adds a schedule's Gantt chart to a page: its name, the legend, and the chart with its caption.
     *
     * @param page     the page
     * @param timeline the simulated iteration
     * @param width    chart width in pixels (at least 200)
     */
    public static void addTo(Page page, Timeline timeline, int width) {
        page.subheading(timeline.schedule().name()).figure(legend(), "").figure(svg(timeline, width),
                caption(timeline));
    }
}
