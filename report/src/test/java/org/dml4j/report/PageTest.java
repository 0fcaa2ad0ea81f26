package org.dml4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dml4j.core.RunManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page escapes every text, ends with its provenance footer and is written atomically. */
class PageTest {
    @Test
    void everyTextIsEscapedAndTheFooterNamesVersionCommitAndMachine(@TempDir Path dir) throws Exception {
        Provenance p = new Provenance("1.2.3", "0123456789abcdef0123456789abcdef01234567", true, "Test CPU <x>, 2 CPUs");
        Page page = new Page("run <script>", p).heading("h & h").paragraph("it's \"quoted\"")
                .table(List.of("name", "value"), List.of(List.of("<b>", "1")))
                .figure(LineChart.svg("c", "x", "y", List.of(new Series("s", new double[] {1}, new double[] {2})),
                        List.of()), "cap <i>")
                .preformatted("[run]\nname = \"</pre>\"");
        Path file = dir.resolve("sub/report.html");
        page.write(file);
        String html = Files.readString(file);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"));
        assertFalse(html.contains("<script>") || html.contains("<b>") || html.contains("<i>"));
        assertTrue(html.contains("run &lt;script&gt;") && html.contains("name = &quot;&lt;/pre&gt;&quot;"));
        assertTrue(html.contains("name=\"viewport\""), "responsive page");
        String footer = html.substring(html.indexOf("<footer>"), html.indexOf("</footer>"));
        assertTrue(footer.contains("dml4j 1.2.3") && footer.contains("0123456789abcdef0123456789abcdef01234567")
                && footer.contains("uncommitted") && footer.contains("Test CPU &lt;x&gt;"), footer);
        // the body parses as XML once the doctype and void meta elements are set aside
        String body = html.substring(html.indexOf("<body>"), html.indexOf("</html>"));
        XmlTest.parse(body);
    }

    @Test
    void provenanceOfAManifestNamesTheCpuModel() {
        RunManifest m = RunManifest.capture(1, java.util.Map.of(), List.of());
        Provenance p = Provenance.of(m);
        assertEquals(m.gitCommit(), p.commit());
        assertTrue(p.machine().startsWith(m.cpuModel() + ", " + m.cpus() + " CPUs"), p.machine());
        assertTrue(p.text().startsWith("dml4j " + m.dml4jVersion() + ", commit "), p.text());
        assertEquals(p.machine(), Provenance.current().machine());
    }
}
