package org.dml4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A run's output folder: a run only writes into a folder that is new, empty, or (with {@code --force}) held by an
 * earlier dml4j run, which is then replaced whole. A folder with other content is never touched.
 */
final class RunFolder {
    /** The file that marks a folder as a dml4j run. */
    static final String MANIFEST = "run-manifest.json";
    /** The run's latest checkpoint ({@code org.dml4j.fl.checkpoint.CheckpointFile}), from which it can resume. */
    static final String CHECKPOINT = "checkpoint.safetensors";

    private RunFolder() {
    }

    /**
     * Checks that a run may write into {@code dir}, emptying it first when {@code force} allows; writes nothing
     * otherwise.
     *
     * @param dir   the output folder
     * @param force whether an earlier run there may be replaced
     * @throws IllegalArgumentException when the folder holds another run (and not {@code force}) or other files
     */
    static void claim(Path dir, boolean force) {
        if (!Files.exists(dir) || isEmpty(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file, not a folder");
        }
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new IllegalArgumentException("--out " + dir + " is not empty and holds no dml4j run ("
                    + MANIFEST + "); choose another folder");
        }
        if (!force) {
            throw new IllegalArgumentException(dir + " holds another run (" + describe(dir) + "); pass --force to"
                    + " replace it, --resume " + dir + " to continue it from its checkpoint, or choose another folder"
                    + " with --out");
        }
        deleteContents(dir);
    }

    /**
     * Checks that {@code dir} holds a run that can be resumed: a dml4j run, not completed, with a checkpoint.
     *
     * @param dir the folder given to {@code --resume}
     * @throws IllegalArgumentException saying what is missing
     */
    static void checkResumable(Path dir) {
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new IllegalArgumentException("--resume " + dir + ": the folder holds no dml4j run (" + MANIFEST
                    + ")");
        }
        String status = status(dir);
        if (status.equals("completed")) {
            throw new IllegalArgumentException("--resume " + dir + ": the run there has finished (status completed);"
                    + " nothing to resume");
        }
        if (!Files.isRegularFile(dir.resolve("config.toml"))) {
            throw new IllegalArgumentException("--resume " + dir + ": the folder holds no config.toml");
        }
        if (!Files.isRegularFile(dir.resolve(CHECKPOINT))) {
            throw new IllegalArgumentException("--resume " + dir + ": the run there (status " + status
                    + ") left no checkpoint (" + CHECKPOINT + "): it stopped before its first one, or its"
                    + " configuration cannot be checkpointed; run it again with --force");
        }
    }

    /**
     * @param dir a run folder
     * @return its status as the manifest records it ("completed", "running", ...), or "unknown"
     */
    static String status(Path dir) {
        JsonNode m = read(dir);
        return m == null ? "unknown" : m.path("status").asText("unknown");
    }

    private static String describe(Path dir) {
        JsonNode m = read(dir);
        if (m == null) {
            return "unreadable " + MANIFEST;
        }
        return "status " + m.path("status").asText("unknown") + ", started " + m.path("started-at").asText("?");
    }

    private static JsonNode read(Path dir) {
        try {
            return new ObjectMapper().readTree(dir.resolve(MANIFEST).toFile());
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isEmpty(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteContents(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not empty " + dir + " for --force: " + e.getMessage(), e);
        }
    }
}
