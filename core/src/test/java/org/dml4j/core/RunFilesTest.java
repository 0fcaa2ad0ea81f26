package org.dml4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFilesTest {
    @TempDir
    Path tmp;

    @Test
    void atomicFilesAreReadableByEveryone() throws Exception {
        // Execute
        Path f = tmp.resolve("metrics.csv");
        AtomicFiles.writeString(f, "round\n");

        // Assert
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aManifestStartsRunningAndRecordsHowItEnded() throws Exception {
        // Prepare
        Map<String, Object> config = new java.util.LinkedHashMap<>();
        config.put("run", Map.of("rounds", 3));
        config.put("data", Map.of("dataset", "digits"));
        RunManifest m = RunManifest.capture(7, config, List.of("run", "x.toml", "--set", "run.rounds=3"),
                List.of("run.rounds=3"), Map.of("djl", "0.36.0"));

        // Execute
        RunManifest done = m.finish(RunManifest.Status.INTERRUPTED, "interrupted after round 2");
        String json = done.toJson();

        // Assert
        assertEquals(RunManifest.Status.RUNNING, m.status());
        assertNull(m.endedAt());
        assertTrue(json.contains("\"status\": \"interrupted\""), json);
        assertTrue(json.contains("\"exit-reason\": \"interrupted after round 2\""), json);
        assertTrue(json.contains("\"command-line\": [\"run\", \"x.toml\", \"--set\", \"run.rounds=3\"]"), json);
        assertTrue(json.contains("\"overrides\": [\"run.rounds=3\"]"), json);
        assertTrue(json.contains("\"libraries\": {\n    \"djl\": \"0.36.0\"\n  }"), json);
        assertTrue(json.indexOf("\"run\"") < json.indexOf("\"data\""), "the tables in the order given: " + json);
        assertTrue(!done.endedAt().isBefore(done.startedAt()));
        assertThrows(IllegalArgumentException.class, () -> m.finish(RunManifest.Status.RUNNING, "x"));
    }

    @Test
    void theCommitIsTheBuildsNotTheWorkingDirectorysOne() throws Exception {
        // Prepare: the commit git reports for these sources (the build ran in this checkout)
        String head = git("rev-parse", "HEAD");
        boolean linkedWorktree = !git("rev-parse", "--git-dir").equals(git("rev-parse", "--git-common-dir"));

        // Execute: the manifest does not look at the working directory at all
        RunManifest m = RunManifest.capture(1, Map.of(), List.of(), List.of(), Map.of());

        // Assert (the build plugin reads the main worktree's HEAD in a linked `git worktree`)
        if (!head.matches("[0-9a-f]{40}")) {
            assertEquals("unknown", m.gitCommit());
        } else if (linkedWorktree) {
            assertTrue(m.gitCommit().matches("[0-9a-f]{40}"), m.gitCommit());
        } else {
            assertEquals(head, m.gitCommit());
        }
    }

    private static String git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? out : "";
    }
}
