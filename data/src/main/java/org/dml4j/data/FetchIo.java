package org.dml4j.data;

import java.io.BufferedReader;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a {@link Mirror} may do while it fetches: download a file (with progress, checked against its pinned SHA-256
 * and size), run a command, read the environment and log a line. One instance per {@link DatasetStore}.
 *
 * <p>Thread-safe when its collaborators are.
 */
final class FetchIo {
    private final DatasetStore.Downloader downloader;
    private final DatasetStore.CommandRunner runner;
    private final DatasetStore.DownloadProgress progress;
    private final Function<String, String> env;
    private final Consumer<String> log;

    FetchIo(DatasetStore.Downloader downloader, DatasetStore.CommandRunner runner,
            DatasetStore.DownloadProgress progress, Function<String, String> env, Consumer<String> log) {
        this.downloader = Objects.requireNonNull(downloader, "downloader");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.env = Objects.requireNonNull(env, "env");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** @return the value of an environment variable, or null */
    String env(String name) {
        return env.apply(name);
    }

    /** Logs one line. */
    void log(String line) {
        log.accept(line);
    }

    /**
     * Downloads {@code uri} into {@code target} (a new file in a staging folder), reporting progress, and checks
     * what arrived.
     *
     * @throws IOException when the transfer fails or the bytes are not the pinned ones (the message names the
     *                     SHA-256 and size received)
     */
    void download(URI uri, Path target, Mirror.PinnedFile expect) throws IOException {
        Digesting d;
        try (OutputStream raw = Files.newOutputStream(target)) {
            d = new Digesting(raw, expect, progress);
            try {
                downloader.download(uri, d);
            } catch (IOException e) {
                throw new IOException(expect.name() + ": transfer failed after " + d.count + " of " + expect.size()
                        + " bytes", e);
            }
        } finally {
            progress.finished(expect.name());
        }
        check(expect, d.hex(), d.count);
    }

    /**
     * Runs a command in {@code dir}, passing its output lines to the log.
     *
     * @throws IOException when it cannot start or exits with a non-zero status
     */
    void run(List<String> command, Path dir) throws IOException {
        int status = runner.run(command, dir, line -> log.accept("  " + line));
        if (status != 0) {
            throw new IOException("'" + String.join(" ", command) + "' exited with status " + status);
        }
    }

    /**
     * Checks a file in a staging folder against its pin.
     *
     * @throws IOException naming the SHA-256 and size found when they differ from the pin
     */
    static void verify(Path file, Mirror.PinnedFile expect) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(expect.name() + " is missing");
        }
        MessageDigest md = sha256();
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
                n += r;
            }
        }
        check(expect, HexFormat.of().formatHex(md.digest()), n);
    }

    private static void check(Mirror.PinnedFile expect, String sha, long size) throws IOException {
        if (!sha.equals(expect.sha256()) || size != expect.size()) {
            throw new IOException(expect.name() + ": got SHA-256 " + sha + " (" + size + " bytes), expected "
                    + expect.sha256() + " (" + expect.size() + " bytes)");
        }
    }

    /** Deletes a folder and everything in it; best effort. */
    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException ignored) {
            // a leftover hidden staging folder is never read as data
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    /** Runs commands as child processes, merging their standard error into their output. */
    static int runProcess(List<String> command, Path dir, Consumer<String> output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " cannot be started (" + e.getMessage() + ")", e);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                output.accept(line);
            }
        }
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * Passes bytes through while hashing, counting and reporting them; gives up on a stream that runs far past the
     * pinned size (a wrong file is still hashed whole, so that its hash can be named).
     */
    private static final class Digesting extends FilterOutputStream {
        private final MessageDigest digest = sha256();
        private final Mirror.PinnedFile expect;
        private final DatasetStore.DownloadProgress progress;
        private long count;

        Digesting(OutputStream out, Mirror.PinnedFile expect, DatasetStore.DownloadProgress progress) {
            super(out);
            this.expect = expect;
            this.progress = progress;
        }

        String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (count + len > 2 * expect.size() + (1 << 20)) {
                throw new IOException("more than " + (count + len) + " bytes arrived, expected " + expect.size());
            }
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
            progress.update(expect.name(), count, expect.size());
        }

        @Override
        public void close() {
            // the caller closes the file
        }
    }
}
