package org.dml4j.report;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dml4j.core.RunManifest;

/**
 * Where a report comes from, for its footer: the dml4j version, the commit (and dirty flag) of the sources the jar
 * was built from, and the machine (CPU model, processors, OS, Java), as {@link RunManifest} records them.
 *
 * @param version dml4j's version
 * @param commit  the build's commit, or "unknown"
 * @param dirty   whether those sources had uncommitted changes
 * @param machine the CPU model, processor count, OS and Java version
 */
public record Provenance(String version, String commit, boolean dirty, String machine) {
    /** Checks for nulls. */
    public Provenance {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(machine, "machine");
    }

    /**
     * @param m a run's manifest
     * @return the provenance it records
     */
    public static Provenance of(RunManifest m) {
        return new Provenance(m.dml4jVersion(), m.gitCommit(), m.gitDirty(), m.cpuModel() + ", " + m.cpus()
                + " CPUs, " + m.os() + ", " + m.arch() + ", Java " + m.javaVersion());
    }

    /** @return the provenance of this build on this machine now (a report that is not a run's) */
    public static Provenance current() {
        return of(RunManifest.capture(0, Map.of(), List.of()));
    }

    /** @return one line: "dml4j VERSION, commit C (uncommitted changes), on MACHINE" */
    public String text() {
        return "dml4j " + version + ", commit " + commit + (dirty ? " (with uncommitted changes)" : "") + ", on "
                + machine;
    }
}
