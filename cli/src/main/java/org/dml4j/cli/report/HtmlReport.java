package org.dml4j.cli.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.report.BarChart;
import org.dml4j.report.Bars;
import org.dml4j.report.LineChart;
import org.dml4j.report.Page;
import org.dml4j.report.Provenance;
import org.dml4j.report.Rule;
import org.dml4j.report.Series;

/**
 * Builds the self-contained {@code report.html} of one run or of several runs overlaid ({@code dml4j compare}) with
 * the report kit ({@link Page}): a summary table; line charts of test accuracy and loss against round, against bytes
 * on the wire, against the simulator's virtual time when the run has a network or device model, and against
 * wall-clock time when timings are known, the accuracy charts with the target as a dashed line; the partition
 * (samples per client, stacked by label) when it is known; the resolved configurations; and the provenance footer
 * (version, commit, machine). No scripts, no external resources: it opens offline in any browser.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /**
     * A report whose footer names this build on this machine, without a partition chart.
     *
     * @param title  page title
     * @param runs   one or more runs
     * @param target accuracy target for the "rounds to target" columns and the target line, in (0, 1]
     * @param notes  extra lines shown under the title (plain text; may be empty)
     * @return the HTML page
     */
    public static String render(String title, List<RunSummary> runs, double target, List<String> notes) {
        return render(title, runs, target, notes, new int[0][], Provenance.current());
    }

    /**
     * @param title      page title
     * @param runs       one or more runs
     * @param target     accuracy target for the "rounds to target" columns and the target line, in (0, 1]
     * @param notes      extra lines shown under the title (plain text; may be empty)
     * @param partition  {@code [client][label]} sample counts of the run's partition, or an empty array when not known
     * @param provenance what the footer names
     * @return the HTML page
     */
    public static String render(String title, List<RunSummary> runs, double target, List<String> notes,
                                int[][] partition, Provenance provenance) {
        Page page = new Page(title, provenance);
        for (String n : notes) {
            page.paragraph(n);
        }
        String pct = String.format(Locale.ROOT, "%.0f%%", target * 100);
        boolean timed = runs.stream().anyMatch(RunSummary::timed);
        List<String> header = new ArrayList<>(List.of("run", "rounds", "final accuracy", "best accuracy",
                "rounds to " + pct, "MB to " + pct, "uplink MB to " + pct, "seconds to " + pct));
        if (timed) {
            header.addAll(List.of("virtual s to " + pct, "virtual s"));
        }
        header.addAll(List.of("uplink MB", "uplink density", "total MB", "wall seconds"));
        List<List<String>> rows = new ArrayList<>();
        for (RunSummary r : runs) {
            long bt = r.bytesTo(target);
            List<String> row = new ArrayList<>(List.of(r.name() + (r.unfinished() ? " (unfinished)" : ""),
                    Integer.toString(r.metrics().size()), pctOf(r.finalAccuracy()), pctOf(r.bestAccuracy()),
                    r.roundsTo(target) < 0 ? "not reached" : Integer.toString(r.roundsTo(target)),
                    bt < 0 ? "–" : String.format(Locale.ROOT, "%.1f", bt / 1e6), mb(r.bytesUpTo(target)),
                    num(r.secondsTo(target))));
            if (timed) {
                row.addAll(List.of(num(r.simSecondsTo(target)), num(r.simSeconds())));
            }
            row.addAll(List.of(mb(r.totalBytesUp()), density(r.meanDensityUp()),
                    String.format(Locale.ROOT, "%.1f", r.totalBytes() / 1e6), num(r.wallSeconds())));
            rows.add(row);
        }
        page.table(header, rows);
        page.charts(new ArrayList<>(charts(runs, target).values()));
        if (partition.length > 0) {
            page.heading("Partition").figure(partitionChart(partition), partition.length + " clients; hover a bar "
                    + "for its count");
        }
        for (RunSummary r : runs) {
            if (!r.config().isEmpty()) {
                page.subheading("Configuration of " + r.name()).preformatted(r.config());
            }
        }
        return page.html();
    }

    /**
     * The charts of {@link #render(String, List, double, List, int[][], Provenance)}, in its order, by name:
     * {@code accuracy-by-round}, {@code accuracy-by-bytes}, {@code accuracy-by-virtual-time} (runs with virtual time),
     * {@code accuracy-by-wan-bytes} (runs whose links have a WAN: cumulative {@code wan_bytes}),
     * {@code accuracy-by-uplink-bytes} and {@code density-by-round} (compressed uplinks), {@code loss-by-round},
     * {@code loss-by-bytes}, {@code train-loss-by-round}, {@code accuracy-by-wall-time} (timings known).
     *
     * @param runs   one or more runs
     * @param target accuracy target, drawn as a dashed line on the accuracy charts
     * @return the {@code <svg>} elements by name
     */
    public static Map<String, String> charts(List<RunSummary> runs, double target) {
        String pct = String.format(Locale.ROOT, "%.0f%%", target * 100);
        boolean timed = runs.stream().anyMatch(RunSummary::timed);
        List<Rule> goal = List.of(new Rule("target " + pct, target));
        Map<String, String> charts = new LinkedHashMap<>();
        charts.put("accuracy-by-round", chart("Test accuracy by round", "round", "test accuracy", runs,
                m -> m.round(), RoundMetrics::testAccuracy, goal));
        charts.put("accuracy-by-bytes", chart("Test accuracy by bytes on the wire", "MB sent (up + down)",
                "test accuracy", runs, m -> m.totalBytes() / 1e6, RoundMetrics::testAccuracy, goal));
        if (timed) {
            charts.put("accuracy-by-virtual-time", chart("Test accuracy by virtual time", "virtual seconds",
                    "test accuracy", runs, RoundMetrics::simSeconds, RoundMetrics::testAccuracy, goal));
        }
        if (runs.stream().anyMatch(r -> r.metrics().stream().anyMatch(m -> m.wanBytes() > 0))) {
            List<Series> s = new ArrayList<>();
            for (RunSummary r : runs) {
                double[] x = new double[r.metrics().size()];
                double[] y = new double[x.length];
                long wan = 0;
                for (int i = 0; i < x.length; i++) {
                    wan += r.metrics().get(i).wanBytes();
                    x[i] = wan / 1e6;
                    y[i] = r.metrics().get(i).testAccuracy();
                }
                s.add(new Series(r.name(), x, y));
            }
            charts.put("accuracy-by-wan-bytes", LineChart.svg("Test accuracy by bytes over the WAN",
                    "MB over the WAN (both directions)", "test accuracy", s, goal));
        }
        if (runs.stream().anyMatch(r -> r.meanDensityUp() < 1)) {
            charts.put("accuracy-by-uplink-bytes", chart("Test accuracy by uplink bytes", "MB sent by clients",
                    "test accuracy", runs, m -> m.totalBytesUp() / 1e6, RoundMetrics::testAccuracy, goal));
            charts.put("density-by-round", chart("Realised uplink density by round", "round",
                    "values sent / dense values", runs, m -> m.round(), RoundMetrics::densityUp, List.of()));
        }
        charts.put("loss-by-round", chart("Test loss by round", "round", "test loss", runs, m -> m.round(),
                RoundMetrics::testLoss, List.of()));
        charts.put("loss-by-bytes", chart("Test loss by bytes on the wire", "MB sent (up + down)", "test loss", runs,
                m -> m.totalBytes() / 1e6, RoundMetrics::testLoss, List.of()));
        charts.put("train-loss-by-round", chart("Training loss by round", "round", "mean local training loss", runs,
                m -> m.round(), RoundMetrics::trainLoss, List.of()));
        if (runs.stream().allMatch(r -> r.timings().size() == r.metrics().size() && !r.timings().isEmpty())) {
            List<Series> s = new ArrayList<>();
            for (RunSummary r : runs) {
                double[] x = new double[r.metrics().size()];
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.timings().get(i).elapsedSeconds();
                    y[i] = r.metrics().get(i).testAccuracy();
                }
                s.add(new Series(r.name(), x, y));
            }
            charts.put("accuracy-by-wall-time", LineChart.svg("Test accuracy by wall-clock time", "seconds",
                    "test accuracy", s, goal));
        }
        return charts;
    }

    /**
     * @param counts {@code [client][label]} sample counts
     * @return the partition as bars per client, stacked by label
     */
    static String partitionChart(int[][] counts) {
        int labels = 0;
        for (int[] row : counts) {
            labels = Math.max(labels, row.length);
        }
        List<String> clients = new ArrayList<>(counts.length);
        for (int c = 0; c < counts.length; c++) {
            clients.add(Integer.toString(c));
        }
        List<Bars> bars = new ArrayList<>(labels);
        for (int j = 0; j < labels; j++) {
            double[] v = new double[counts.length];
            for (int c = 0; c < counts.length; c++) {
                v[c] = j < counts[c].length ? counts[c][j] : 0;
            }
            bars.add(new Bars("label " + j, v));
        }
        return BarChart.stacked("Samples per client, by label", "client", "samples", clients, bars, List.of(),
                Math.max(640, Math.min(1340, 120 + 14 * counts.length)));
    }

    private static String chart(String title, String xl, String yl, List<RunSummary> runs,
                                ToDoubleFunction<RoundMetrics> fx, ToDoubleFunction<RoundMetrics> fy,
                                List<Rule> rules) {
        List<Series> s = new ArrayList<>();
        for (RunSummary r : runs) {
            double[] x = new double[r.metrics().size()];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = fx.applyAsDouble(r.metrics().get(i));
                y[i] = fy.applyAsDouble(r.metrics().get(i));
            }
            s.add(new Series(r.name(), x, y));
        }
        return LineChart.svg(title, xl, yl, s, rules);
    }

    private static String pctOf(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.2f", bytes / 1e6);
    }

    /**
     * @param v a fraction
     * @return it as a percentage with three significant digits ("1.00%", "0.100%"), or a dash for NaN
     */
    public static String density(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3g%%", v * 100);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }
}
