package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dml4j.cli.config.ConfigTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad experiment files fail before any work, naming the table, the key and the value. */
class ConfigErrorsTest {
    private static String message(String... overrides) {
        ConfigTree tree = ConfigTree.parse(RunCommandTest.DIGITS, "test.toml");
        for (String o : overrides) {
            tree.set(o);
        }
        return assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(tree, "x")).getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "model.type=resnet9000|unknown model type 'resnet9000'; known: cnn, lenet5, logistic, mlp",
        "strategy.type=fedsgd|unknown strategy type 'fedsgd'; known: fedasync, fedavg, fedbuff, fedluck, fedprox",
        "compressor.type=zip|unknown compressor type 'zip'",
        "partition.type=random|unknown partitioner type 'random'",
        "training.schedule.type=cosine|unknown learning-rate schedule type 'cosine'; known: constant, inverse-time, step",
        "strategy.fraction=1.5|fraction must be in (0, 1], got 1.5",
        "run.rounds=0|[run] rounds must be >= 1, got 0",
        "run.target-accuracy=80|target-accuracy must be in (0, 1], got 80",
        "training.momentum=1.2|momentum must be in [0, 1), got 1.2",
        "training.batch-size=0|batch-size must be >= 1, got 0",
        "strategy.fracton=0.5|[strategy] has unknown key 'fracton'",
        "run.epochs=3|[run] has unknown key 'epochs'",
        "model.hidden=\"wide\"|[model] hidden[0] must be an integer, got \"wide\"",
        "compressor.data-aware=dagc-x|data-aware must be one of uniform, dagc-r, dagc-r-water-filling, dagc-a;",
        "compressor.data-aware=dagc-r|[compressor] data-aware = 'dagc-r' needs ratio",
        "downlink.ratio=0.1|[downlink] needs type",
        "downlink.type=zip|unknown compressor type 'zip'",
        "partition.alpha=\"high\"|[partition] alpha must be a number, got \"high\"",
        "partition.min-sise=3|[partition] has unknown key 'min-sise'; known: alpha, min-size, max-retries",
        "compressor.type=topk|[compressor] topk needs exactly one of ratio and k",
        "compressor.type=qsgd|[compressor] needs key 'levels' (an integer)",
        "training.schedule.learning-rate=\"fast\"|[training.schedule] learning-rate must be a number, got \"fast\"",
        "strategy.min-clients=2.5|[strategy] min-clients must be an integer, got 2.5",
        "devices={type=\"constant\", availability={type=\"periodic\", period=60}}|[devices.availability] has"
            + " unknown key 'period'; known: type, online-fraction, period-s, file",
        "topology={mode=\"flat\", sites=[{name=\"a\"}, {name=\"b\", lan-mpbs=1}]}|[topology.sites[1]] has"
            + " unknown key 'lan-mpbs'",
    })
    void namesTheKeyAndTheValue(String override, String expected) {
        String m = message(override);
        assertTrue(m.contains(expected), "expected '" + expected + "' in: " + m);
    }

    @Test
    void unknownTablesAreListed() {
        String m = message("optimizer.type=adam");
        assertTrue(m.contains("unknown table [optimizer]") && m.contains("known: run, data"), m);
    }

    @Test
    void aTypoInAnInlineTableIsReportedAsTheUnknownKey() {
        // Prepare: the schedule's learning-rate misspelt inside an inline table
        ConfigTree tree = ConfigTree.parse(RunCommandTest.DIGITS.replace(
                "schedule = { type = \"constant\", learning-rate = 0.05 }",
                "schedule = { type = \"constant\", learnin-rate = 0.05 }"), "typo.toml");

        // Execute
        String m = assertThrows(IllegalArgumentException.class, () -> Experiment.resolve(tree, "x")).getMessage();

        // Assert
        assertEquals("[training.schedule] has unknown key 'learnin-rate'; known: learning-rate", m);
    }

    @Test
    void invalidTomlGivesThePosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigTree.parse("[run]\nrounds = = 3\n", "bad.toml"));
        assertTrue(e.getMessage().contains("bad.toml") && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void overridesParseTomlValues() {
        ConfigTree tree = ConfigTree.parse("[model]\ntype = \"mlp\"\n", "t");
        tree.set("model.hidden=[64, 32]");
        tree.set("run.name=hello world");
        assertEquals("[64,32]", tree.table("model").get("hidden").toString());
        assertEquals("hello world", tree.table("run").get("name").asText());
        assertThrows(IllegalArgumentException.class, () -> tree.set("no-equals-sign"));
    }

    @Test
    void resolvedTomlParsesBackToTheSameTree() {
        ConfigTree tree = ConfigTree.parse(RunCommandTest.DIGITS, "t");
        tree.set("run.name=a \"quoted\" name");
        ConfigTree back = ConfigTree.parse(tree.toToml(), "back");
        assertEquals(tree.toMap(), back.toMap());
        assertTrue(tree.toToml().contains("[training]\nbatch-size = 16"), tree.toToml());
    }

    @Test
    void theCommandLinePrintsOneLineAndExitsWithTwo() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("bad", ".toml");
        java.nio.file.Files.writeString(f, RunCommandTest.DIGITS.replace("\"mlp\"", "\"mlpp\""));
        assertEquals(2, RunCommandTest.run("run", f.toString()));
        assertEquals(2, RunCommandTest.run("run", "/does/not/exist.toml"));
    }
}
