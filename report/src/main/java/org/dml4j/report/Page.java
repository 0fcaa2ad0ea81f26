package org.dml4j.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dml4j.core.AtomicFiles;

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, no external files, opens offline in any browser) built
 * from headings, text, tables and figures, responsive (charts and wide tables shrink or scroll to the window), and
 * closed by a footer naming the {@link Provenance}: version, commit and machine. Every text goes through
 * {@link Xml#esc}; SVG figures are the kit's own markup.
 *
 * <p>Not thread-safe; one owner builds it, then {@link #write(Path)} or {@link #html()}.
 */
public final class Page {
    private static final String CSS = "body{font-family:sans-serif;margin:0 auto;padding:16px 24px;color:#222;"
            + "max-width:1400px}svg{display:block;width:100%;height:auto}"
            + "figure{margin:8px 0 20px 0}figcaption{font-size:13px;color:#444;margin-top:4px}"
            + ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr));gap:12px}"
            + ".charts figure{margin:0}.scroll{overflow-x:auto}"
            + "table{border-collapse:collapse;margin:8px 0 16px 0;font-size:13px}"
            + "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}"
            + "td:first-child,th:first-child{text-align:left}"
            + "pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}"
            + "footer{margin-top:32px;padding-top:8px;border-top:1px solid #ddd;font-size:12px;color:#666}";
    private final String title;
    private final Provenance provenance;
    private final List<String> parts = new ArrayList<>();

    /**
     * @param title      the page title
     * @param provenance what the footer names
     */
    public Page(String title, Provenance provenance) {
        this.title = Objects.requireNonNull(title, "title");
        this.provenance = Objects.requireNonNull(provenance, "provenance");
    }

    /**
     * @param text a section heading
     * @return this page
     */
    public Page heading(String text) {
        return element("h2", text);
    }

    /**
     * @param text a sub-section heading
     * @return this page
     */
    public Page subheading(String text) {
        return element("h3", text);
    }

    /**
     * @param text a paragraph of plain text
     * @return this page
     */
    public Page paragraph(String text) {
        return element("p", text);
    }

    /**
     * @param text preformatted plain text (a configuration file)
     * @return this page
     */
    public Page preformatted(String text) {
        return element("pre", text);
    }

    private Page element(String tag, String text) {
        parts.add("<" + tag + ">" + Xml.esc(text) + "</" + tag + ">");
        return this;
    }

    /**
     * @param header column names
     * @param rows   rows of cells (plain text)
     * @return this page
     */
    public Page table(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<div class=\"scroll\"><table><thead><tr>");
        for (String h : header) {
            sb.append("<th>").append(Xml.esc(h)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            sb.append("<tr>");
            for (String c : row) {
                sb.append("<td>").append(Xml.esc(c)).append("</td>");
            }
            sb.append("</tr>");
        }
        parts.add(sb.append("</tbody></table></div>").toString());
        return this;
    }

    /**
     * @param svg     an {@code <svg>} element from this kit
     * @param caption its caption (plain text; empty for none)
     * @return this page
     */
    public Page figure(String svg, String caption) {
        parts.add(figureHtml(svg, caption));
        return this;
    }

    /**
     * @param svgs charts from this kit, laid out in a grid that wraps to the window's width
     * @return this page
     */
    public Page charts(List<String> svgs) {
        StringBuilder sb = new StringBuilder("<div class=\"charts\">\n");
        for (String s : svgs) {
            sb.append(figureHtml(s, "")).append('\n');
        }
        parts.add(sb.append("</div>").toString());
        return this;
    }

    private static String figureHtml(String svg, String caption) {
        return "<figure>" + svg + (caption.isEmpty() ? "" : "<figcaption>" + Xml.esc(caption) + "</figcaption>")
                + "</figure>";
    }

    /** @return the page */
    public String html() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Xml.esc(title)).append("</title><style>").append(CSS)
                .append("</style></head><body>\n<h1>").append(Xml.esc(title)).append("</h1>\n");
        for (String p : parts) {
            sb.append(p).append('\n');
        }
        sb.append("<footer>").append(Xml.esc(provenance.text())).append("</footer>\n");
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
