package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.fl.RoundMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension guide's example project ({@code examples/extending}, docs/extending.md) compiles against dml4j and
 * runs from its experiment file in a JVM of its own, with its classes found through its {@code META-INF/services}
 * lines only, so that the guide cannot rot.
 */
class ExtendingGuideTest {
    private static final Path PROJECT = Path.of("..", "examples", "extending");

    @Test
    void theExampleCompressorAndStrategyRunFromAnExperimentFile(@TempDir Path tmp) throws Exception {
        // Prepare: compile the example's sources against dml4j's class path, copy its resources
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "21", "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path")));
        try (Stream<Path> src = Files.walk(PROJECT.resolve("src/main/java"))) {
            src.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int compiled = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals(0, compiled, diagnostics.toString(StandardCharsets.UTF_8));
        Path services = PROJECT.resolve("src/main/resources/META-INF/services");
        Files.createDirectories(classes.resolve("META-INF/services"));
        try (Stream<Path> s = Files.list(services)) {
            for (Path f : s.toList()) {
                Files.copy(f, classes.resolve("META-INF/services").resolve(f.getFileName()));
            }
        }

        // Execute: dml4j run with the example on the class path, as a user's jar would be
        Path out = tmp.resolve("run");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-cp", classes + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                Main.class.getName(), "run", PROJECT.resolve("stride-fedavgm.toml").toString(), "--out",
                out.toString(), "--quiet").redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile())
                .start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the example run ends");

        // Assert: ten rounds, a quarter of the values sent, the model learning
        String log = Files.readString(tmp.resolve("log"));
        assertEquals(0, p.exitValue(), log);
        List<RoundMetrics> rows = MetricsCsv.read(out.resolve("metrics.csv"));
        assertEquals(10, rows.size());
        for (RoundMetrics m : rows) {
            assertEquals(0.25, m.densityUp(), 0.01, "stride 4 sends every fourth value");
        }
        assertTrue(rows.get(rows.size() - 1).testAccuracy() > 0.5, "accuracy " + rows.get(9).testAccuracy());
        assertTrue(log.contains("stride-fedavgm: final accuracy"), log);
    }
}
