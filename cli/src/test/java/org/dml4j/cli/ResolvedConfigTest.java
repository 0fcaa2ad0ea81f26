package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.core.config.ConfigBinder;
import org.dml4j.sim.topology.TopologyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The resolved configuration (config.toml, the manifest's config) holds every key, and resolves to itself. */
class ResolvedConfigTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    /** @return every example experiment (the extension guide's needs its own classes, see ExtendingGuideTest) */
    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".toml"))
                    .filter(p -> !p.startsWith(EXAMPLES.resolve("extending"))).sorted().toList();
            assertTrue(all.size() >= 15, "examples found: " + all);
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleResolvesToAFixedPoint(Path file) {
        // Prepare
        String once = RunCommand.load(file, List.of()).resolved().toToml();

        // Execute: the resolved text read back from another folder (its files are absolute)
        String twice = Experiment.resolve(ConfigTree.parse(once, "/elsewhere/config.toml"), "x").resolved().toToml();

        // Assert
        assertEquals(once, twice, file.toString());
        assertFalse(once.contains("''") || once.contains("null"), once);
    }

    @Test
    void everyTableHoldsItsDefaults() {
        // Execute
        ConfigTree r = RunCommand.load(EXAMPLES.resolve("hierarchical/hierfavg.toml"), List.of("run.rounds=3"))
                .resolved();
        String toml = r.toToml();

        // Assert: keys the file leaves out
        assertEquals(3, r.table("run").get("rounds").asInt());
        assertTrue(r.table("run").has("eval-every") && r.table("run").has("target-accuracy"), toml);
        assertTrue(r.table("strategy").has("server-learning-rate"), toml);
        assertTrue(r.table("training").has("weight-decay"), toml);
        JsonNode topology = r.table("topology");
        for (String key : ConfigBinder.keyNames(TopologyConfig.class)) {
            assertTrue(topology.has(key) || key.equals("cross-mbps") || key.equals("cross-latency-ms"),
                    "[topology] " + key + " in " + toml);
        }
        assertEquals("identity", topology.get("edge-uplink").get("type").asText(), toml);
        assertTrue(toml.startsWith("[run]\nname = "), toml);
        assertTrue(toml.contains("\n[training]\n") && toml.contains("\nschedule.type = "), toml);
    }

    @Test
    void traceFilesAreWrittenAsAbsolutePaths() throws IOException {
        // Prepare: a trace beside the experiment, named relative to it
        Path dir = Files.createTempDirectory("traces");
        Files.writeString(dir.resolve("up.csv"), "time,bandwidth\n0,5\n10,1\n");
        Path file = dir.resolve("e.toml");
        Files.writeString(file, RunCommandTest.DIGITS + "[network]\ntype = \"uniform\"\nuplink-trace = \"up.csv\"\n");

        // Execute
        ConfigTree r = RunCommand.load(file, List.of()).resolved();

        // Assert
        assertEquals(dir.resolve("up.csv").toString(), r.table("network").get("uplink-trace").asText());
        assertTrue(r.table("network").has("downlink-mbps"), "defaults included");
    }
}
