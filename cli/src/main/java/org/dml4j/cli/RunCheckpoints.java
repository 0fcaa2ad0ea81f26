package org.dml4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.checkpoint.CheckpointFile;

/**
 * The command line's side of checkpoints: {@code checkpoint.safetensors} in the run folder holds the simulation's
 * snapshot plus, under {@value #KEY}/, the length of every file the run appends to ({@code metrics.csv},
 * {@code timing.csv}, {@code clients.csv}, {@code events.jsonl}) at that moment. A resumed run cuts each file back to
 * that length and appends from there, so that its files end byte for byte as an uninterrupted run's would (whatever
 * a killed run had written after its last checkpoint is dropped).
 */
final class RunCheckpoints {
    /** The command line's entries of a checkpoint. */
    static final String KEY = "cli";
    private final Path dir;
    private final Snapshot resumeFrom;

    private RunCheckpoints(Path dir, Snapshot resumeFrom) {
        this.dir = dir;
        this.resumeFrom = resumeFrom;
    }

    /** @param dir the run folder of a new run @return checkpoints written there */
    static RunCheckpoints fresh(Path dir) {
        return new RunCheckpoints(dir, null);
    }

    /**
     * @param dir a run folder holding a checkpoint
     * @return its checkpoint, to resume from
     */
    static RunCheckpoints resume(Path dir) {
        return new RunCheckpoints(dir, CheckpointFile.read(dir.resolve(RunFolder.CHECKPOINT)));
    }

    /** @return the snapshot to resume from, or null for a new run */
    Snapshot resumeFrom() {
        return resumeFrom;
    }

    /**
     * @param file a file name of the run folder
     * @return the bytes of it to keep when resuming, or -1 for a new run (create or truncate it)
     */
    long keep(String file) {
        return resumeFrom == null ? -1 : resumeFrom.under(KEY).getLong(file);
    }

    /**
     * @return the last round the checkpoint holds (0 for a new run)
     */
    int round() {
        return resumeFrom == null ? 0 : resumeFrom.under("coordinator").getInt("version");
    }

    /**
     * Writes a checkpoint atomically, with the files' lengths.
     *
     * @param snapshot the simulation's
     * @param lengths  file name to its length now
     */
    void write(Snapshot snapshot, Map<String, Long> lengths) {
        Snapshot cli = snapshot.under(KEY);
        lengths.forEach(cli::putLong);
        CheckpointFile.write(dir.resolve(RunFolder.CHECKPOINT), snapshot);
    }

    /** Deletes the checkpoint of a run that completed (it cannot be resumed). */
    void delete() {
        try {
            Files.deleteIfExists(dir.resolve(RunFolder.CHECKPOINT));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir.resolve(RunFolder.CHECKPOINT), e);
        }
    }

    /**
     * Cuts a file back to {@code keep} bytes (nothing for a new run).
     *
     * @param file the file
     * @param keep from {@link #keep}
     */
    static void cut(Path file, long keep) {
        if (keep < 0) {
            return;
        }
        try {
            if (!Files.exists(file) || Files.size(file) < keep) {
                throw new IllegalArgumentException("cannot resume: " + file + " is shorter than the checkpoint's "
                        + keep + " bytes");
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not cut " + file + " back to its checkpoint: " + e.getMessage(), e);
        }
    }
}
