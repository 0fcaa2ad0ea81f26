package org.dml4j.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.dml4j.fl.RoundMetrics;

/**
 * Builds the self-contained {@code report.html} of one run or of several runs overlaid ({@code dml4j compare}): a
 * summary table and SVG charts of test accuracy and loss against round, against bytes on the wire, against the
 * simulator's virtual time when the run has a network or device model, and against wall-clock time when timings are
 * known. No scripts, no external resources: it opens offline in any browser.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /**
     * @param title  page title
     * @param runs   one or more runs
     * @param target accuracy target for the "rounds to target" columns, in (0, 1]
     * @param notes  extra HTML-escaped lines shown under the title (may be empty)
     * @return the HTML page
     */
    public static String render(String title, List<RunSummary> runs, double target, List<String> notes) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(SvgChart.esc(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1340px}")
                .append("table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 10px;")
                .append("text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}")
                .append(".charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{width:600px;height:auto}pre{background:#f7f7f7;padding:8px;")
                .append("overflow:auto;font-size:12px}</style></head><body>\n");
        sb.append("<h1>").append(SvgChart.esc(title)).append("</h1>\n");
        for (String n : notes) {
            sb.append("<p>").append(SvgChart.esc(n)).append("</p>\n");
        }
        String pct = String.format(Locale.ROOT, "%.0f%%", target * 100);
        boolean timed = runs.stream().anyMatch(RunSummary::timed);
        sb.append("<table><tr><th>run</th><th>rounds</th><th>final accuracy</th><th>best accuracy</th>")
                .append("<th>rounds to ").append(pct).append("</th><th>MB to ").append(pct).append("</th>")
                .append("<th>uplink MB to ").append(pct).append("</th><th>seconds to ").append(pct)
                .append("</th>").append(timed ? "<th>virtual s to " + pct + "</th><th>virtual s</th>" : "")
                .append("<th>uplink MB</th><th>uplink density</th><th>total MB</th><th>wall seconds</th></tr>\n");
        for (RunSummary r : runs) {
            long bt = r.bytesTo(target);
            sb.append("<tr><td>").append(SvgChart.esc(r.name())).append("</td><td>").append(r.metrics().size())
                    .append("</td><td>").append(pctOf(r.finalAccuracy())).append("</td><td>")
                    .append(pctOf(r.bestAccuracy())).append("</td><td>")
                    .append(r.roundsTo(target) < 0 ? "not reached" : Integer.toString(r.roundsTo(target)))
                    .append("</td><td>").append(bt < 0 ? "–" : String.format(Locale.ROOT, "%.1f", bt / 1e6))
                    .append("</td><td>").append(mb(r.bytesUpTo(target))).append("</td><td>")
                    .append(num(r.secondsTo(target))).append("</td><td>")
                    .append(timed ? num(r.simSecondsTo(target)) + "</td><td>" + num(r.simSeconds()) + "</td><td>" : "")
                    .append(mb(r.totalBytesUp()))
                    .append("</td><td>").append(density(r.meanDensityUp())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", r.totalBytes() / 1e6)).append("</td><td>")
                    .append(num(r.wallSeconds())).append("</td></tr>\n");
        }
        sb.append("</table>\n<div class=\"charts\">\n");
        sb.append(chart("Test accuracy by round", "round", "test accuracy", runs, m -> m.round(),
                RoundMetrics::testAccuracy));
        sb.append(chart("Test accuracy by bytes on the wire", "MB sent (up + down)", "test accuracy", runs,
                m -> m.totalBytes() / 1e6, RoundMetrics::testAccuracy));
        if (timed) {
            sb.append(chart("Test accuracy by virtual time", "virtual seconds", "test accuracy", runs,
                    RoundMetrics::simSeconds, RoundMetrics::testAccuracy));
        }
        if (runs.stream().anyMatch(r -> r.meanDensityUp() < 1)) {
            sb.append(chart("Test accuracy by uplink bytes", "MB sent by clients", "test accuracy", runs,
                    m -> m.totalBytesUp() / 1e6, RoundMetrics::testAccuracy));
            sb.append(chart("Realised uplink density by round", "round", "values sent / dense values", runs,
                    m -> m.round(), RoundMetrics::densityUp));
        }
        sb.append(chart("Test loss by round", "round", "test loss", runs, m -> m.round(), RoundMetrics::testLoss));
        sb.append(chart("Test loss by bytes on the wire", "MB sent (up + down)", "test loss", runs,
                m -> m.totalBytes() / 1e6, RoundMetrics::testLoss));
        sb.append(chart("Training loss by round", "round", "mean local training loss", runs, m -> m.round(),
                RoundMetrics::trainLoss));
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
            sb.append(SvgChart.line("Test accuracy by wall-clock time", "seconds", "test accuracy", s));
        }
        sb.append("</div>\n");
        for (RunSummary r : runs) {
            if (!r.config().isEmpty()) {
                sb.append("<h3>Configuration of ").append(SvgChart.esc(r.name())).append("</h3><pre>")
                        .append(SvgChart.esc(r.config())).append("</pre>\n");
            }
        }
        return sb.append("</body></html>\n").toString();
    }

    private static String chart(String title, String xl, String yl, List<RunSummary> runs,
                                ToDoubleFunction<RoundMetrics> fx, ToDoubleFunction<RoundMetrics> fy) {
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
        return SvgChart.line(title, xl, yl, s);
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
