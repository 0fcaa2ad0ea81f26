package org.dml4j.core;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Writes files so that nothing is ever left half-written: the content goes to a temporary file in the target's
 * folder, which is then moved over the target (atomically where the file system allows). Files are created with
 * mode 0644 on POSIX file systems.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes the bytes an {@link OutputStream} receives. */
    @FunctionalInterface
    public interface Writer {
        /**
         * @param out the stream to write to; closed by the caller
         * @throws IOException on failure, after which the target is left untouched
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * @param target the file to create or replace
     * @param writer writes the content
     * @throws UncheckedIOException when writing or moving fails; the target is then untouched
     */
    public static void write(Path target, Writer writer) {
        write(target, writer, false);
    }

    /**
     * Writes as {@link #write(Path, Writer)} does, and makes the result durable: the temporary file is forced to disk
     * ({@code fsync}) before the rename and the folder after it, so that after a crash or power loss the target holds
     * either the previous content or the new one (checkpoints).
     *
     * @param target the file to create or replace
     * @param writer writes the content
     * @throws UncheckedIOException when writing, forcing or moving fails; the target is then untouched
     */
    public static void writeDurably(Path target, Writer writer) {
        write(target, writer, true);
    }

    private static void write(Path target, Writer writer, boolean durable) {
        Objects.requireNonNull(target, "target");
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".part");
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                writer.write(out);
                out.flush();
                if (durable) {
                    ch.force(true);
                }
            }
            readableByAll(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            if (durable) {
                forceFolder(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + abs + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is what matters
                }
            }
        }
    }

    /** Makes a rename durable; where folders cannot be opened (Windows) only durability is lost, not atomicity. */
    private static void forceFolder(Path dir) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir,
                java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on this file system
        }
    }

    /** Temporary files are created 0600; results are meant to be shared, so they get the usual 0644. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }

    /**
     * @param target the file to create or replace
     * @param text   its UTF-8 content
     */
    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }
}
