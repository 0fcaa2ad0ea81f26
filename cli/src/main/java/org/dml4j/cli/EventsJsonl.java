package org.dml4j.cli;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run folder's {@code events.jsonl}: the coordinator's event log, one JSON object per line, written by
 * {@code run} and {@code serve} alike. A write that fails names the file.
 */
final class EventsJsonl implements Closeable {
    static final String FILE = "events.jsonl";

    private final Path file;
    private final BufferedWriter out;
    private final boolean flushEachLine;

    private EventsJsonl(Path file, BufferedWriter out, boolean flushEachLine) {
        this.file = file;
        this.out = out;
        this.flushEachLine = flushEachLine;
    }

    /**
     * @param dir           the run folder
     * @param append        continue the folder's log (a resumed run) instead of starting it anew
     * @param flushEachLine hand every line to the system as it is written, for a process that may be killed at any
     *                      time and has no checkpoint of the log's length to cut back to
     * @return the open log
     * @throws IOException if the file cannot be opened
     */
    static EventsJsonl open(Path dir, boolean append, boolean flushEachLine) throws IOException {
        Path file = dir.resolve(FILE);
        BufferedWriter out = append
                ? Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
                : Files.newBufferedWriter(file);
        return new EventsJsonl(file, out, flushEachLine);
    }

    /** @param jsonLine one event, without its line end */
    void write(String jsonLine) {
        try {
            out.write(jsonLine);
            out.write('\n');
            if (flushEachLine) {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** Hands what is buffered to the system, so that the file's length counts every line written. */
    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** @return the file's path */
    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
