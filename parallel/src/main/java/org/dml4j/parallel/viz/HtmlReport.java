package org.dml4j.parallel.viz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dml4j.core.AtomicFiles;
import org.dml4j.parallel.pipeline.Timeline;

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, no external files) built from sections of text,
 * tables and charts, written atomically.
 *
 * <p>Not thread-safe; one owner builds it, then {@link #write(Path)} or {@link #html()}.
 */
public final class HtmlReport {
    private final String title;
    private final List<String> parts = new ArrayList<>();

    /**
     * @param title the page title
     */
    public HtmlReport(String title) {
        this.title = Objects.requireNonNull(title, "title");
    }

    /**
     * @param text a heading
     * @return this report
     */
    public HtmlReport heading(String text) {
        parts.add("<h2>" + Svg.esc(text) + "</h2>");
        return this;
    }

    /**
     * @param text a paragraph of plain text
     * @return this report
     */
    public HtmlReport paragraph(String text) {
        parts.add("<p>" + Svg.esc(text) + "</p>");
        return this;
    }

    /**
     * @param header column names
     * @param rows   rows of cells (plain text)
     * @return this report
     */
    public HtmlReport table(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<table><thead><tr>");
        for (String h : header) {
            sb.append("<th>").append(Svg.esc(h)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            sb.append("<tr>");
            for (String c : row) {
                sb.append("<td>").append(Svg.esc(c)).append("</td>");
            }
            sb.append("</tr>");
        }
        parts.add(sb.append("</tbody></table>").toString());
        return this;
    }

    /**
     * @param svg     an {@code <svg>} element (trusted markup from this package)
     * @param caption its caption (plain text)
     * @return this report
     */
    public HtmlReport figure(String svg, String caption) {
        parts.add("<figure>" + svg + "<figcaption>" + Svg.esc(caption) + "</figcaption></figure>");
        return this;
    }

    /**
     * Adds a schedule's Gantt chart with the legend and its caption.
     *
     * @param timeline the simulated iteration
     * @param width    chart width in pixels
     * @return this report
     */
    public HtmlReport gantt(Timeline timeline, int width) {
        parts.add("<h3>" + Svg.esc(timeline.schedule().name()) + "</h3>");
        parts.add("<div class=\"legend\">" + GanttChart.legend() + "</div>");
        return figure(GanttChart.svg(timeline, width), GanttChart.caption(timeline));
    }

    /** @return the page */
    public String html() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.append("<title>").append(Svg.esc(title)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}")
                .append("figure{margin:8px 0 24px 0}figcaption{font-size:13px;color:#444;margin-top:4px}")
                .append("table{border-collapse:collapse;margin:8px 0 16px 0;font-size:13px}")
                .append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}")
                .append("td:first-child,th:first-child{text-align:left}.legend{margin:2px 0}")
                .append("</style></head><body>\n<h1>").append(Svg.esc(title)).append("</h1>\n");
        for (String p : parts) {
            sb.append(p).append('\n');
        }
        return sb.append("</body></html>\n").toString();
    }

    /**
     * Writes the page atomically.
     *
     * @param file the target file
     */
    public void write(Path file) {
        AtomicFiles.writeString(file, html());
    }
}
