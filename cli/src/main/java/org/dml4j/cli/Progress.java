package org.dml4j.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows progress of long work. On a terminal it redraws one line with a bar, the step count, a status text and the
 * estimated time left; otherwise (a pipe, a CI log) it prints one plain line per update, at most every few seconds
 * and always for the last step.
 *
 * <p>Not thread-safe: update from one thread.
 */
public final class Progress {
    private static final int BAR = 28;
    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPlain;

    /**
     * @param out      where to print (usually {@code System.err})
     * @param terminal redraw in place; pass {@code System.console() != null}
     * @param label    what is being done
     * @param total    number of steps
     */
    public Progress(PrintStream out, boolean terminal, String label, int total) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.total = Math.max(1, total);
    }

    /**
     * @param done   steps done so far
     * @param status short status text ("acc 81.2%")
     */
    public void update(int done, String status) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = done == 0 ? Double.NaN : elapsed / done * (total - done);
        String time = String.format(Locale.ROOT, "%s elapsed, %s left", clock(elapsed),
                Double.isNaN(eta) ? "?" : clock(eta));
        if (terminal) {
            int filled = (int) Math.round((double) done / total * BAR);
            out.print(String.format(Locale.ROOT, "\r%s [%s%s] %d/%d %s  %s\u001B[K", label, "#".repeat(filled),
                    "-".repeat(BAR - filled), done, total, status, time));
            if (done >= total) {
                out.println();
            }
            out.flush();
        } else {
            long now = System.nanoTime();
            if (done >= total || done <= 1 || now - lastPlain > 5_000_000_000L) {
                lastPlain = now;
                out.println(String.format(Locale.ROOT, "%s %d/%d %s (%s)", label, done, total, status, time));
            }
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
