package org.dml4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Provenance of one run, written as {@code run-manifest.json} beside its results: the fully resolved configuration,
 * the dml4j version, git commit, JVM, OS, CPU, the active kernel provider and its vector size, and the seed
 * (after Tribuo's {@code ModelProvenance}). The format carries {@link #CURRENT_VERSION}.
 *
 * @param formatVersion  version of this manifest format
 * @param dml4jVersion   the library version
 * @param gitCommit      the commit of the working tree the run started from, or "unknown"
 * @param startedAt      wall-clock start time
 * @param seed           the experiment's root seed
 * @param javaVersion    {@code java.version}
 * @param javaVendor     {@code java.vendor}
 * @param os             OS name and version
 * @param arch           CPU architecture
 * @param cpus           available processors
 * @param kernelProvider name of the active {@link FloatKernels}
 * @param vectorBits     its SIMD width
 * @param config         the resolved configuration (nested maps, lists and scalars)
 */
public record RunManifest(int formatVersion, String dml4jVersion, String gitCommit, Instant startedAt, long seed,
                          String javaVersion, String javaVendor, String os, String arch, int cpus,
                          String kernelProvider, int vectorBits, Map<String, Object> config) {
    /** Version of the manifest format written by this code. */
    public static final int CURRENT_VERSION = 1;

    /** Validates and copies the config map. */
    public RunManifest {
        Objects.requireNonNull(config, "config");
        config = Map.copyOf(new LinkedHashMap<>(config));
    }

    /**
     * Captures the environment of this JVM.
     *
     * @param seed   the experiment's seed
     * @param config the resolved configuration
     * @return the manifest
     */
    public static RunManifest capture(long seed, Map<String, Object> config) {
        FloatKernels k = FloatKernels.get();
        return new RunManifest(CURRENT_VERSION, version(), gitCommit(Path.of("").toAbsolutePath()), Instant.now(),
                seed, System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), k.name(),
                k.vectorBitSize(), config);
    }

    /** @return the dml4j version from the packaged properties, or "dev" when run from classes */
    public static String version() {
        try (InputStream in = RunManifest.class.getResourceAsStream("/org/dml4j/core/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "dev";
    }

    private static String gitCommit(Path dir) {
        try {
            Process p = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{40}")) {
                return out;
            }
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }

    /** @return the manifest as a JSON object */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format-version", formatVersion);
        m.put("dml4j-version", dml4jVersion);
        m.put("git-commit", gitCommit);
        m.put("started-at", startedAt.toString());
        m.put("seed", seed);
        m.put("java-version", javaVersion);
        m.put("java-vendor", javaVendor);
        m.put("os", os);
        m.put("arch", arch);
        m.put("cpus", cpus);
        m.put("kernel-provider", kernelProvider);
        m.put("vector-bits", vectorBits);
        m.put("config", new java.util.TreeMap<>(config));
        return Json.write(m);
    }
}
