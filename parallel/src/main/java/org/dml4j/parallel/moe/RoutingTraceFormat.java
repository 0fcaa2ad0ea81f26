package org.dml4j.parallel.moe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dml4j.core.AtomicFiles;

/**
 * The routing-trace file format, version 1: UTF-8 CSV with a version line, metadata and one row per
 * (window, expert[, source]).
 *
 * <pre>
 * # dml4j routing trace v1
 * # experts=64
 * # sources=16
 * window,expert,source,tokens
 * 0,0,0,118
 * 0,0,1,97
 * ...
 * </pre>
 *
 * <ul>
 *   <li>Line 1 is {@code # dml4j routing trace v<N>}; readers reject versions newer than {@link #CURRENT_VERSION}.</li>
 *   <li>Further lines starting with {@code #} are {@code key=value} metadata or comments. {@code experts=E}
 *       declares the number of experts (required unless the caller states it); {@code sources=G} the number of
 *       source GPUs when rows carry a {@code source} column.</li>
 *   <li>The header is {@code window,expert,tokens} or {@code window,expert,source,tokens}. Windows, experts and
 *       sources are 0-based integers; tokens are non-negative integers counting routed (token, expert)
 *       assignments (a top-k router counts each token k times).</li>
 *   <li>Rows may come in any order; rows with the same key add up, so one row per routed token
 *       ({@code tokens = 1}) is valid too. Windows without rows have no tokens; the trace has
 *       {@code max(window) + 1} windows.</li>
 *   <li>An expert outside {@code [0, E)} (or a source outside {@code [0, G)}) is an error naming the line, the
 *       field and the value; so are malformed numbers, negative tokens and missing fields.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class RoutingTraceFormat {
    /** The version this code writes and the newest it reads. */
    public static final int CURRENT_VERSION = 1;
    private static final String MAGIC = "# dml4j routing trace v";

    private RoutingTraceFormat() {
    }

    /**
     * @param file    the trace file
     * @param experts the expected number of experts, or 0 to take it from the file's metadata
     * @return the trace
     * @throws IllegalArgumentException naming the file, line, field and value on malformed content or unknown experts
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static RoutingTrace read(Path file, int experts) {
        Objects.requireNonNull(file, "file");
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString(), experts);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read routing trace " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param text    the trace's content
     * @param experts the expected number of experts, or 0 to take it from the metadata
     * @return the trace
     */
    public static RoutingTrace parse(String text, int experts) {
        try {
            return read(new BufferedReader(new StringReader(text)), "<text>", experts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param in      the content
     * @param name    a name for messages (usually the file name)
     * @param experts the expected number of experts, or 0 to take it from the metadata
     * @return the trace
     * @throws IOException on read failure
     */
    public static RoutingTrace read(Reader in, String name, int experts) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String first = r.readLine();
        int lineNo = 1;
        if (first == null || !first.startsWith(MAGIC)) {
            throw new IllegalArgumentException(name + " line 1: not a dml4j routing trace (expected '" + MAGIC
                    + CURRENT_VERSION + "')");
        }
        int version;
        try {
            version = Integer.parseInt(first.substring(MAGIC.length()).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " line 1: version '" + first.substring(MAGIC.length()).trim()
                    + "' is not an integer");
        }
        if (version > CURRENT_VERSION || version < 1) {
            throw new IllegalArgumentException(name + " line 1: routing trace version " + version
                    + " is not supported (this reader knows versions 1.." + CURRENT_VERSION + ")");
        }
        Map<String, String> meta = new HashMap<>();
        String line;
        String header = null;
        while ((line = r.readLine()) != null) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (t.startsWith("#")) {
                String body = t.substring(1).strip();
                int eq = body.indexOf('=');
                if (eq > 0) {
                    meta.put(body.substring(0, eq).strip(), body.substring(eq + 1).strip());
                }
                continue;
            }
            header = t;
            break;
        }
        if (header == null) {
            throw new IllegalArgumentException(name + ": no header line (window,expert,tokens)");
        }
        boolean withSource;
        if (header.replace(" ", "").equals("window,expert,tokens")) {
            withSource = false;
        } else if (header.replace(" ", "").equals("window,expert,source,tokens")) {
            withSource = true;
        } else {
            throw new IllegalArgumentException(name + " line " + lineNo + ": header must be 'window,expert,tokens' or "
                    + "'window,expert,source,tokens', got '" + header + "'");
        }
        int declared = meta.containsKey("experts") ? metaInt(name, meta, "experts") : 0;
        if (experts > 0 && declared > 0 && experts != declared) {
            throw new IllegalArgumentException(name + ": the trace declares experts=" + declared + " but " + experts
                    + " were expected");
        }
        int e = experts > 0 ? experts : declared;
        if (e <= 0) {
            throw new IllegalArgumentException(name + ": the number of experts is unknown (add '# experts=E' or "
                    + "pass it)");
        }
        int sources = 0;
        if (withSource) {
            if (!meta.containsKey("sources")) {
                throw new IllegalArgumentException(name + ": rows have a source column but '# sources=G' is missing");
            }
            sources = metaInt(name, meta, "sources");
        }
        int cols = withSource ? 4 : 3;
        List<long[]> rows = new ArrayList<>();
        int maxWindow = -1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split(",", -1);
            if (f.length != cols) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": expected " + cols + " fields ("
                        + header + "), got " + f.length);
            }
            long window = field(name, lineNo, "window", f[0]);
            long expert = field(name, lineNo, "expert", f[1]);
            long source = withSource ? field(name, lineNo, "source", f[2]) : 0;
            long tokens = field(name, lineNo, "tokens", f[cols - 1]);
            if (window < 0 || window > 10_000_000) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": window must be in [0, 10000000], got "
                        + window);
            }
            if (expert < 0 || expert >= e) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": expert " + expert
                        + " is unknown (experts = " + e + ")");
            }
            if (withSource && (source < 0 || source >= sources)) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": source " + source
                        + " is unknown (sources = " + sources + ")");
            }
            if (tokens < 0) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": tokens must be >= 0, got " + tokens);
            }
            rows.add(new long[] {window, expert, source, tokens});
            maxWindow = (int) Math.max(maxWindow, window);
        }
        if (maxWindow < 0) {
            throw new IllegalArgumentException(name + ": the trace has no rows");
        }
        int s = Math.max(1, sources);
        long[][][] t = new long[maxWindow + 1][e][s];
        for (long[] row : rows) {
            t[(int) row[0]][(int) row[1]][(int) row[2]] = Math.addExact(t[(int) row[0]][(int) row[1]][(int) row[2]],
                    row[3]);
        }
        if (withSource) {
            return RoutingTrace.ofSources(t);
        }
        long[][] flat = new long[t.length][e];
        for (int w = 0; w < t.length; w++) {
            for (int x = 0; x < e; x++) {
                flat[w][x] = t[w][x][0];
            }
        }
        return RoutingTrace.of(flat);
    }

    private static int metaInt(String name, Map<String, String> meta, String key) {
        String v = meta.get(key);
        try {
            int x = Integer.parseInt(v);
            if (x < 1) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": metadata " + key + " must be a positive integer, got '" + v
                    + "'");
        }
    }

    private static long field(String name, int line, String field, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " line " + line + ": " + field + " '" + text
                    + "' is not an integer");
        }
    }

    /**
     * @param trace a trace
     * @return its version-1 text (rows with zero tokens are left out)
     */
    public static String format(RoutingTrace trace) {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append(CURRENT_VERSION).append('\n');
        sb.append("# experts=").append(trace.experts()).append('\n');
        if (trace.hasSources()) {
            sb.append("# sources=").append(trace.sources()).append('\n');
            sb.append("window,expert,source,tokens\n");
        } else {
            sb.append("window,expert,tokens\n");
        }
        int s = Math.max(1, trace.sources());
        for (int w = 0; w < trace.windows(); w++) {
            for (int x = 0; x < trace.experts(); x++) {
                for (int g = 0; g < s; g++) {
                    long v = trace.raw(w, x, g);
                    // the very last row is always written so that the window count survives a round trip
                    boolean last = w == trace.windows() - 1 && x == trace.experts() - 1 && g == s - 1;
                    if (v == 0 && !last) {
                        continue;
                    }
                    sb.append(w).append(',').append(x).append(',');
                    if (trace.hasSources()) {
                        sb.append(g).append(',');
                    }
                    sb.append(v).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /**
     * Writes a trace atomically (a reader never sees half a file).
     *
     * @param file  target file
     * @param trace the trace
     */
    public static void write(Path file, RoutingTrace trace) {
        AtomicFiles.writeString(file, format(trace));
    }
}
