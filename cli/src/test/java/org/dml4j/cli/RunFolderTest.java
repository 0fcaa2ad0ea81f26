package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run folders a user can trust: no silent overwrite, nothing written for a bad run, status, signals, streams. */
class RunFolderTest {
    @TempDir
    Path tmp;

    /** What one in-process command printed. */
    private record Printed(int status, String out, String err) {
    }

    private static Printed execute(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = Main.execute(args);
            return new Printed(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path digits(int rounds) throws Exception {
        Path file = tmp.resolve("digits-" + rounds + ".toml");
        Files.writeString(file, RunCommandTest.DIGITS.replace("rounds = 4", "rounds = " + rounds));
        return file;
    }

    /** @return whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status) */
    private static boolean sigIntIgnored() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    private static JsonNode manifest(Path dir) throws Exception {
        return new ObjectMapper().readTree(dir.resolve("run-manifest.json").toFile());
    }

    @Test
    void aSecondRunIntoTheSameFolderIsRefusedUnlessForced() throws Exception {
        // Prepare
        Path file = digits(2);
        Path dir = tmp.resolve("out");
        assertEquals(0, execute("run", file.toString(), "--out", dir.toString()).status());
        Files.writeString(dir.resolve("stray.txt"), "left by hand");

        // Execute
        Printed again = execute("run", file.toString(), "--out", dir.toString());
        Printed forced = execute("run", file.toString(), "--out", dir.toString(), "--force");

        // Assert
        assertEquals(2, again.status());
        assertTrue(again.err().contains(dir + " holds another run (status completed, started "), again.err());
        assertTrue(again.err().contains("pass --force to replace it"), again.err());
        assertEquals(0, forced.status(), forced.err());
        assertFalse(Files.exists(dir.resolve("stray.txt")), "--force replaces the folder whole");
        assertEquals("completed", manifest(dir).path("status").asText());
        assertEquals("completed 2 rounds", manifest(dir).path("exit-reason").asText());
        assertEquals(List.of("run", file.toString(), "--out", dir.toString(), "--force"),
                new ObjectMapper().convertValue(manifest(dir).path("command-line"), List.class));
        assertTrue(Files.size(dir.resolve("model.safetensors")) > 8 + 4 * (64 * 32 + 32 + 32 * 10 + 10),
                "the final model, every parameter as F32");
        for (String f : List.of("metrics.csv", "config.toml", "report.html", "run-manifest.json",
                "model.safetensors")) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
        }
    }

    @Test
    void aRunsOwnConfigTomlRepeatsItsMetricsExactly() throws Exception {
        // Prepare: defaults left out of the file on purpose (strategy, compressor keys, threads)
        Path file = tmp.resolve("sparse.toml");
        Files.writeString(file, RunCommandTest.DIGITS.replace("rounds = 4", "rounds = 3") + """
                [compressor]
                type = "topk"
                ratio = 0.1
                error-feedback = true
                data-aware = "dagc-r"
                """);
        Path first = tmp.resolve("first");
        assertEquals(0, execute("run", file.toString(), "--out", first.toString()).status());
        String config = Files.readString(first.resolve("config.toml"));

        // Execute
        Printed again = execute("run", first.resolve("config.toml").toString(), "--out",
                tmp.resolve("again").toString());

        // Assert
        assertEquals(0, again.status(), again.err());
        assertTrue(config.contains("server-learning-rate = 1.0") && config.contains("eval-every = 1"), config);
        assertEquals(Files.readString(first.resolve("metrics.csv")),
                Files.readString(tmp.resolve("again").resolve("metrics.csv")));
        assertEquals(config.substring(config.indexOf('\n')), Files.readString(tmp.resolve("again/config.toml"))
                .substring(Files.readString(tmp.resolve("again/config.toml")).indexOf('\n')), "a fixed point");
        assertEquals("topk", manifest(first).path("config").path("compressor").path("type").asText());
    }

    @Test
    void aFolderWithOtherFilesIsNeverTouched() throws Exception {
        // Prepare
        Path dir = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(dir.resolve("notes.txt"), "mine");

        // Execute
        Printed p = execute("run", digits(2).toString(), "--out", dir.toString(), "--force");

        // Assert
        assertEquals(2, p.status());
        assertTrue(p.err().contains("is not empty and holds no dml4j run"), p.err());
        assertEquals(List.of(dir.resolve("notes.txt")), Files.list(dir).toList());
    }

    @Test
    void aRunThatFailsOnItsDataWritesNothing() throws Exception {
        // Prepare: a data path that does not hold the data set
        Path file = tmp.resolve("bad.toml");
        Files.writeString(file, RunCommandTest.DIGITS.replace("dataset = \"digits\"",
                "dataset = \"mnist\"\npath = \"" + tmp.resolve("nothing-here") + "\""));
        Path dir = tmp.resolve("bad-out");

        // Execute
        Printed p = execute("run", file.toString(), "--out", dir.toString());

        // Assert
        assertEquals(2, p.status());
        assertTrue(p.err().contains("does not hold its files"), p.err());
        assertFalse(Files.exists(dir), "no config.toml or manifest for a run that never started");
    }

    @Test
    void theSummaryGoesToStdoutAndTheRestToStderr() throws Exception {
        // Execute
        Printed normal = execute("run", digits(2).toString(), "--out", tmp.resolve("a").toString());
        Printed quiet = execute("run", digits(2).toString(), "--out", tmp.resolve("b").toString(), "--quiet");

        // Assert
        assertTrue(normal.out().startsWith("digits: final accuracy "), normal.out());
        assertFalse(normal.out().contains("partition:"), normal.out());
        assertTrue(normal.err().contains("partition: dirichlet, 6 clients"), normal.err());
        assertEquals(normal.out().lines().count(), quiet.out().lines().count());
        assertEquals("", quiet.err());
        // the summary names every file the run folder holds, read from the folder, not a fixed list
        String wrote = normal.out().lines().filter(l -> l.startsWith("  wrote ")).findFirst().orElseThrow();
        try (var files = Files.list(tmp.resolve("a"))) {
            files.map(f -> f.getFileName().toString())
                    .forEach(name -> assertTrue(wrote.contains(name), name + " missing in: " + wrote));
        }
    }

    @Test
    void compareWritesNamedChartsAsStandaloneSvgFiles() throws Exception {
        // Prepare: two finished runs with virtual time and WAN bytes (3 rows each; accuracy only at rows 2 and 3)
        String head = org.dml4j.cli.report.MetricsCsv.HEADER + ",sim_seconds,wan_bytes\n";
        for (String name : List.of("flat", "tiered")) {
            int wan = name.equals("flat") ? 5_000_000 : 1_000_000;
            StringBuilder csv = new StringBuilder(head);
            for (int r = 1; r <= 3; r++) {
                csv.append(r).append(",4,0,0.1,1.0,1.0,").append(r == 1 ? "NaN" : Double.toString(0.3 * r))
                        .append(",10,40,1.0,10,40,1.0,").append(40 * r).append(',').append(40 * r).append(',')
                        .append(2.0 * r).append(',').append(wan).append('\n');
            }
            Files.createDirectories(tmp.resolve(name));
            Files.writeString(tmp.resolve(name).resolve("metrics.csv"), csv.toString());
            Files.writeString(tmp.resolve(name).resolve("run-manifest.json"), "{\"status\": \"completed\"}\n");
        }
        Path wanSvg = tmp.resolve("docs").resolve("wan.svg");
        Path timeSvg = tmp.resolve("docs").resolve("time.svg");

        // Execute
        Printed p = execute("compare", tmp.resolve("flat").toString(), tmp.resolve("tiered").toString(), "--out",
                tmp.resolve("cmp").toString(), "--svg", "accuracy-by-wan-bytes=" + wanSvg,
                "--svg", "accuracy-by-virtual-time=" + timeSvg);

        // Assert: the charts of the overlay report, each a standalone SVG; WAN bytes are cumulative (3 x 5 MB)
        assertEquals(0, p.status(), p.err());
        String wan = Files.readString(wanSvg);
        assertTrue(wan.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"") && wan.contains("over the WAN")
                && wan.contains(">flat<") && wan.contains(">tiered<"), wan);
        assertTrue(wan.contains(">15.0<") && !wan.contains(">17.5<"), "the x axis ends at 15 MB: " + wan);
        assertTrue(Files.readString(timeSvg).contains("virtual"), "the virtual-time chart");
        String report = Files.readString(tmp.resolve("cmp").resolve("report.html"));
        assertTrue(report.contains("Test accuracy by bytes over the WAN"), "the overlay report has the WAN chart");

        // Bad input names the flag and the value
        Printed unknown = execute("compare", tmp.resolve("flat").toString(), "--out", tmp.resolve("c2").toString(),
                "--svg", "accuracy-by-moon=" + tmp.resolve("m.svg"));
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("accuracy-by-moon") && unknown.err().contains("accuracy-by-wan-bytes"),
                unknown.err());
        Printed malformed = execute("compare", tmp.resolve("flat").toString(), "--svg", "wan.svg");
        assertEquals(2, malformed.status());
        assertTrue(malformed.err().contains("--svg must be CHART=FILE") && malformed.err().contains("'wan.svg'"),
                malformed.err());
    }

    @Test
    void compareMarksARunThatDidNotFinish() throws Exception {
        // Prepare: a finished run whose manifest is then made to say it is still running (as after SIGKILL)
        Path dir = tmp.resolve("killed");
        assertEquals(0, execute("run", digits(2).toString(), "--out", dir.toString()).status());
        Path m = dir.resolve("run-manifest.json");
        Files.writeString(m, Files.readString(m).replace("\"status\": \"completed\"", "\"status\": \"running\""));

        // Execute
        Printed p = execute("compare", dir.toString(), "--out", tmp.resolve("cmp").toString());

        // Assert
        assertEquals(0, p.status(), p.err());
        assertTrue(p.err().contains("did not finish (status running)"), p.err());
        assertTrue(p.out().contains("| killed (unfinished) |"), p.out());
    }

    @Test
    void ctrlCStopsAfterAWholeRoundWritesEveryFileAndExits130() throws Exception {
        // Prepare: a long digits run in its own JVM
        Path dir = tmp.resolve("long");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", digits(100_000).toString(),
                "--out", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("stdout").toFile())
                .redirectError(tmp.resolve("stderr").toFile()).start();
        Path metrics = dir.resolve("metrics.csv");
        while (p.isAlive() && (!Files.exists(metrics) || Files.readAllLines(metrics).size() < 4)) {
            Thread.sleep(100);
        }

        // Execute: SIGINT, as Ctrl-C sends it; where this JVM was started with SIGINT ignored (a background job of
        // a non-interactive shell), the child inherits that, so SIGTERM takes its place (the same clean stop)
        boolean intIgnored = sigIntIgnored();
        new ProcessBuilder("kill", intIgnored ? "-TERM" : "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run ends after the current round");

        // Assert
        String err = Files.readString(tmp.resolve("stderr"));
        assertEquals(intIgnored ? 143 : RunCommand.INTERRUPTED, p.exitValue(), err);
        JsonNode man = manifest(dir);
        assertEquals("interrupted", man.path("status").asText());
        int rounds = Integer.parseInt(man.path("exit-reason").asText().replace("interrupted after round ", ""));
        assertTrue(err.contains("digits: interrupted after round " + rounds), err);
        List<String> rows = Files.readAllLines(metrics);
        assertEquals(rounds + 1, rows.size(), "a header and one whole row per round done");
        assertTrue(rows.get(rows.size() - 1).startsWith(rounds + ","), rows.get(rows.size() - 1));
        assertTrue(Files.readString(dir.resolve("report.html")).contains("</html>"));
        assertEquals(rounds, org.dml4j.fl.checkpoint.CheckpointFile.read(dir.resolve("checkpoint.safetensors"))
                .under("coordinator").getInt("version"), "Ctrl-C leaves a checkpoint of the last round");
        assertTrue(Files.readString(tmp.resolve("stdout")).contains("dml4j run --resume " + dir),
                "the summary says how to continue");
    }
}
