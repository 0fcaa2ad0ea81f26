package org.dml4j.cli.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.dml4j.cli.Main;
import org.dml4j.planner.model.ModelPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code dml4j plan --evaluate}: one fixed plan's predictions on the terminal and in {@code --json}. */
class PlanCommandTest {
    @TempDir
    Path dir;

    /** Runs {@code dml4j plan ARGS} through {@link Main}, capturing what it prints. */
    private static String run(int expected, String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int rc;
        try {
            System.setOut(capture);
            System.setErr(capture);
            String[] all = new String[args.length + 1];
            all[0] = "plan";
            System.arraycopy(args, 0, all, 1, args.length);
            rc = Main.execute(all);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expected, rc, text);
        return text;
    }

    @Test
    void evaluatesTheIssuesExampleAndWritesJson() throws IOException {
        Path json = dir.resolve("out/eval.json");

        String text = run(0, "--model", "megatron-1t", "--cluster", "dgx-a100:384", "--global-batch", "3072",
                "--evaluate", "tp=8,pp=64,dp=6,mb=1,schedule=interleaved,v=2,recompute=full,zero=1,sp=true",
                "--json", json.toString());

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (String key : new String[] {"iteration_seconds", "tflops_per_gpu", "mfu", "peak_memory_gib"}) {
            assertTrue(root.get(key).asDouble() > 0, key + " in " + root);
        }
        assertEquals(64, root.get("stages").size());
        assertTrue(root.get("time_seconds").has("zero_gather") && root.get("time_seconds").has("pipeline_bubble"));
        double sum = 0;
        for (JsonNode part : root.get("time_seconds")) {
            sum += part.asDouble();
        }
        assertEquals(root.get("iteration_seconds").asDouble(), sum, 1e-6 * sum, "the breakdown adds up");
        assertTrue(text.contains("iteration time") && text.contains("ZeRO gathers") && text.contains("stage"), text);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "%.1f TFLOP/s per GPU",
                root.get("tflops_per_gpu").asDouble())), text);
    }

    @Test
    void aTpOverlapStackIsRefusedForDeepSpeedBeforeAnythingIsWritten() {
        Path out = dir.resolve("ds");

        String export = run(2, "--model", "megatron-1.7b", "--cluster", "dgx-h100:8", "--global-batch", "512",
                "--stack", "megatron-core-tp-overlap", "--export", "megatron,deepspeed", "--out", out.toString());
        String target = run(2, "--model", "megatron-1.7b", "--cluster", "dgx-h100:8", "--global-batch", "512",
                "--stack", "megatron-core-tp-overlap", "--target", "deepspeed");

        for (String text : new String[] {export, target}) {
            assertTrue(text.contains("--stack megatron-core-tp-overlap") && text.contains("--stack megatron-core"),
                    text);
        }
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void badKeyIsNamedAndNothingIsWritten() {
        Path json = dir.resolve("bad.json");

        String text = run(2, "--model", "megatron-1.7b", "--cluster", "dgx-a100:4", "--global-batch", "512",
                "--evaluate", "tp=2,pipeline=4", "--json", json.toString());

        assertTrue(text.contains("unknown key 'pipeline'"), text);
        assertFalse(Files.exists(json));
    }

    @Test
    void planThatDoesNotFitNamesTheStage() {
        String text = run(2, "--model", "megatron-145.6b", "--cluster", "dgx-a100:1", "--global-batch", "8",
                "--evaluate", "tp=8");

        assertTrue(text.contains("does not fit") && text.contains("stage 0"), text);
    }

    static Stream<String> presets() {
        return ModelPresets.names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void everyPresetEvaluates(String preset) throws IOException {
        Path json = dir.resolve(preset + ".json");

        run(0, "--model", preset, "--cluster", "dgx-h100:128", "--global-batch", "512", "--evaluate",
                "tp=8,pp=16,mb=1,schedule=1f1b,recompute=full,zero=1,sp=true", "--json", json.toString());

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertTrue(root.get("mfu").asDouble() > 0 && root.get("mfu").asDouble() < 1, root.toString());
        assertEquals(16, root.get("stages").size());
    }

    @Test
    void userModelFilesEvaluate() throws IOException {
        Path examples = Path.of("..", "examples", "planner");
        Path gpt = dir.resolve("gpt.json");
        Path cnn = dir.resolve("cnn.json");

        run(0, "--model", examples.resolve("gpt-13b.json").toString(), "--cluster", "dgx-a100:4",
                "--global-batch", "64", "--evaluate", "tp=4,pp=2,recompute=selective,sp=true,layout=18/22", "--json",
                gpt.toString());
        run(0, "--model", examples.resolve("layers-cnn.json").toString(), "--cluster", "dgx-a100:1",
                "--global-batch", "256", "--evaluate", "mb=4", "--json", cnn.toString());

        JsonNode g = new ObjectMapper().readTree(gpt.toFile());
        assertEquals(18, g.get("stages").get(0).get("blocks").asInt());
        assertEquals(22, g.get("stages").get(1).get("blocks").asInt());
        assertTrue(new ObjectMapper().readTree(cnn.toFile()).get("tflops_per_gpu").asDouble() > 0);
    }

    /** Every model file of {@code examples/planner/} (the files with a {@code type}; the others are clusters). */
    static Stream<Path> exampleModelFiles() throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(Path.of("..", "examples", "planner"))) {
            return files.filter(f -> f.toString().endsWith(".json")).filter(f -> {
                try {
                    return json.readTree(f.toFile()).has("type");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleModelFiles")
    void everyExampleModelFileEvaluatesWithJson(Path model) throws IOException {
        // Prepare
        Path json = dir.resolve(model.getFileName());

        // Execute: one plan every model shape allows (no model parallelism; ZeRO-3 shards what a GPU cannot hold)
        run(0, "--model", model.toString(), "--cluster", "dgx-h100:16", "--global-batch", "128", "--evaluate",
                "tp=1,pp=1,mb=1,recompute=full,zero=3", "--json", json.toString());

        // Assert
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (String key : new String[] {"iteration_seconds", "tflops_per_gpu", "peak_memory_gib"}) {
            assertTrue(root.get(key).asDouble() > 0, key + " in " + root);
        }
        assertTrue(root.get("mfu").asDouble() > 0 && root.get("mfu").asDouble() < 1, root.toString());
    }

    @Test
    void exampleModelFilesAreFound() throws IOException {
        assertEquals(4, exampleModelFiles().count(), "gpt-13b, gpt-350m, layers-cnn, moe-gpt");
    }

    @Test
    void targetMegatronReturnsAPlanMegatronRunsAndExportsFallBackToOne() throws IOException {
        Path a = dir.resolve("target");
        Path b = dir.resolve("fallback");

        String targeted = run(0, "--model", "megatron-1t", "--cluster", "dgx-a100:384", "--global-batch", "3072",
                "--top", "3", "--target", "megatron", "--export", "megatron", "--out", a.toString());
        String fallback = run(0, "--model", "megatron-1t", "--cluster", "dgx-a100:384", "--global-batch", "3072",
                "--top", "1", "--export", "megatron", "--out", b.toString());

        for (String bad : new String[] {"zb-", "adaptive"}) {
            assertFalse(targeted.contains(bad), targeted);
        }
        assertTrue(fallback.contains("note: the best plan cannot run on megatron"), fallback);
        assertEquals(Files.readString(a.resolve("megatron-args.sh")), Files.readString(b.resolve("megatron-args.sh")),
                "the fallback export is the best plan --target megatron finds");
    }

    @Test
    void evaluatingAPlanTheTargetCannotRunIsAClearError() {
        String text = run(2, "--model", "megatron-1t", "--cluster", "dgx-a100:384", "--global-batch", "3072",
                "--target", "megatron", "--evaluate", "tp=8,pp=16,schedule=zb-v,v=2,recompute=full,zero=1,sp=true");

        assertTrue(text.contains("megatron cannot run this plan: schedule zb-v"), text);
    }

    @Test
    void outWithoutExportWritesThePlansAsItsHelpPromises() throws IOException {
        Path out = dir.resolve("plans-only");

        String text = run(0, "--model", "megatron-1.7b", "--cluster", "dgx-a100:8", "--global-batch", "64",
                "--top", "2", "--out", out.toString());

        assertTrue(text.contains("wrote " + out.resolve("plans.json")), text);
        assertEquals(2, new ObjectMapper().readTree(out.resolve("plans.json").toFile()).path("plans").size());
    }
}
