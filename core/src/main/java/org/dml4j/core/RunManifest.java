package org.dml4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Provenance and state of one run, written as {@code run-manifest.json} beside its results: the fully resolved
 * configuration (defaults included, tables in a fixed order), the dml4j version, the commit (and dirty flag) of the
 * sources the jar was built from, the command line and, on their own, its {@code --set} overrides, the versions of
 * the libraries that compute (DJL and the PyTorch native library), JVM, OS, CPU model, the active kernel provider and
 * its vector size, the seed, and the run's status with its start and end time and exit reason (after Tribuo's
 * {@code ModelProvenance}). Written with Jackson ({@link Json}). The format carries {@link #CURRENT_VERSION}.
 *
 * @param formatVersion  version of this manifest format
 * @param dml4jVersion   the library version
 * @param gitCommit      the commit of the sources this build of dml4j was made from, or "unknown"
 * @param gitDirty       whether those sources had uncommitted changes
 * @param status         where the run stands
 * @param startedAt      wall-clock start time
 * @param endedAt        wall-clock end time, or null while running
 * @param exitReason     why the run ended (completed, the error, the signal), or null while running
 * @param seed           the experiment's root seed
 * @param commandLine    the command-line arguments the run was started with
 * @param overrides      the {@code --set key=value} overrides among them, in the order given (they are part of the
 *                       resolved configuration too)
 * @param libraries      name and version of each library that computes, e.g. {@code djl} and {@code pytorch}
 * @param javaVersion    {@code java.version}
 * @param javaVendor     {@code java.vendor}
 * @param os             OS name and version
 * @param arch           CPU architecture
 * @param cpuModel       the CPU's model name ({@code /proc/cpuinfo}), or "unknown"
 * @param cpus           available processors
 * @param kernelProvider name of the active {@link FloatKernels}
 * @param vectorBits     its SIMD width
 * @param config         the resolved configuration (nested maps, lists and scalars)
 */
public record RunManifest(int formatVersion, String dml4jVersion, String gitCommit, boolean gitDirty, Status status,
                          Instant startedAt, Instant endedAt, String exitReason, long seed, List<String> commandLine,
                          List<String> overrides, Map<String, String> libraries, String javaVersion, String javaVendor, String os, String arch, String cpuModel, int cpus,
                          String kernelProvider, int vectorBits, Map<String, Object> config) {
    /** Version of the manifest format written by this code. */
    public static final int CURRENT_VERSION = 3;

    /** Where a run stands; written in lower case. */
    public enum Status {
        /** Started and not ended (or killed without a chance to say so). */
        RUNNING,
        /** Ran every round. */
        COMPLETED,
        /** Stopped by an error. */
        FAILED,
        /** Stopped by a signal (Ctrl-C) after a whole round. */
        INTERRUPTED;

        /** @return the name as written in the manifest */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Validates and copies the lists and maps, keeping their order. */
    public RunManifest {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(config, "config");
        commandLine = List.copyOf(commandLine);
        overrides = List.copyOf(overrides);
        libraries = Collections.unmodifiableMap(new LinkedHashMap<>(libraries));
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /**
     * Captures the environment of this JVM for a run without {@code --set} overrides and with no computing library
     * named (a test, a tool that trains nothing).
     *
     * @param seed        the experiment's seed
     * @param config      the resolved configuration
     * @param commandLine the command-line arguments
     * @return the manifest, with status {@link Status#RUNNING}
     */
    public static RunManifest capture(long seed, Map<String, Object> config, List<String> commandLine) {
        return capture(seed, config, commandLine, List.of(), Map.of());
    }

    /**
     * Captures the environment of this JVM for a run that starts now.
     *
     * @param seed        the experiment's seed
     * @param config      the resolved configuration
     * @param commandLine the command-line arguments
     * @param overrides   the {@code --set} overrides among them
     * @param libraries   name and version of each library that computes (core cannot see them)
     * @return the manifest, with status {@link Status#RUNNING}
     */
    public static RunManifest capture(long seed, Map<String, Object> config, List<String> commandLine,
                                      List<String> overrides, Map<String, String> libraries) {
        FloatKernels k = FloatKernels.get();
        Properties build = buildProperties();
        String commit = build.getProperty("commit", "");
        return new RunManifest(CURRENT_VERSION, build.getProperty("version", "dev"),
                commit.matches("[0-9a-f]{40}") ? commit : "unknown", "true".equals(build.getProperty("dirty")),
                Status.RUNNING, Instant.now(), null, null, seed, commandLine, overrides, libraries,
                System.getProperty("java.version"),
                System.getProperty("java.vendor"), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), readCpuModel(), Runtime.getRuntime().availableProcessors(), k.name(),
                k.vectorBitSize(), config);
    }

    /**
     * @param end    how the run ended (not {@link Status#RUNNING})
     * @param reason why, in a few words
     * @return this manifest, ended now
     */
    public RunManifest finish(Status end, String reason) {
        if (end == Status.RUNNING) {
            throw new IllegalArgumentException("a run cannot finish as running");
        }
        return new RunManifest(formatVersion, dml4jVersion, gitCommit, gitDirty, end, startedAt, Instant.now(),
                Objects.requireNonNull(reason, "reason"), seed, commandLine, overrides, libraries, javaVersion,
                javaVendor, os, arch, cpuModel, cpus, kernelProvider, vectorBits, config);
    }

    /** @return the dml4j version from the packaged properties, or "dev" when run from classes */
    public static String version() {
        return buildProperties().getProperty("version", "dev");
    }

    private static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = RunManifest.class.getResourceAsStream("/org/dml4j/core/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // no build information: the defaults apply
        }
        return p;
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or not readable
        }
        return "unknown";
    }

    /** @return the manifest as a JSON object */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format-version", formatVersion);
        m.put("status", status.key());
        m.put("started-at", startedAt.toString());
        m.put("ended-at", endedAt == null ? null : endedAt.toString());
        m.put("exit-reason", exitReason);
        m.put("dml4j-version", dml4jVersion);
        m.put("git-commit", gitCommit);
        m.put("git-dirty", gitDirty);
        m.put("command-line", commandLine);
        m.put("overrides", overrides);
        m.put("seed", seed);
        m.put("java-version", javaVersion);
        m.put("java-vendor", javaVendor);
        m.put("os", os);
        m.put("arch", arch);
        m.put("cpu-model", cpuModel);
        m.put("cpus", cpus);
        m.put("kernel-provider", kernelProvider);
        m.put("vector-bits", vectorBits);
        m.put("libraries", libraries);
        m.put("config", config);
        return Json.write(m);
    }
}
