package org.dml4j.cli;

import static org.dml4j.cli.Loopback.freePort;
import static org.dml4j.cli.Loopback.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dml4j.model.Model;
import org.dml4j.sim.GossipSimulation;
import org.dml4j.sim.SimulationSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dml4j peer}: 4 peers on a ring, D-PSGD over gRPC on loopback threads with no coordinator, on the bundled
 * digits data: every peer's final model is the simulator's peer's, and their average learns the digits.
 */
class PeerDeployTest {
    private static final String RING = """
            [run]
            name = "ring"
            seed = 13
            rounds = 4
            [data]
            dataset = "digits"
            [partition]
            type = "iid"
            clients = 4
            [model]
            type = "mlp"
            hidden = [32]
            [training]
            batch-size = 16
            local-steps = 10
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.1 }
            [gossip]
            mode = "dpsgd"
            graph = "ring"
            weights = "metropolis-hastings"
            """;
    private static PeerCommand peer(Path file, int id, Path peers, Path dir, String... more) {
        PeerCommand p = new PeerCommand();
        List<String> args = new ArrayList<>(List.of(file.toString(), "--peer-id", Integer.toString(id), "--peers",
                peers.toString(), "--token-file", dir.resolve("peer-token-" + id + ".txt").toString(), "--tokens",
                dir.resolve("peer-token.txt").toString(), "--insecure", "--join-timeout", "120"));
        args.addAll(List.of(more));
        new CommandLine(p).parseArgs(args.toArray(String[]::new));
        return p;
    }

    @Test
    void fourPeersOnARingGiveTheSimulatorsModelsWithNoCoordinator(@TempDir Path dir) throws Exception {
        // Prepare
        Path file = dir.resolve("ring.toml");
        Files.writeString(file, RING);
        EdgeDeployTest.tokens(dir, "peer-token", 4, "peer-secret-");
        StringBuilder sb = new StringBuilder("# id host:port\n");
        for (int p = 0; p < 4; p++) {
            sb.append(p).append(" 127.0.0.1:").append(freePort()).append('\n');
        }
        Path peers = dir.resolve("peers.txt");
        Files.writeString(peers, sb.toString());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        float[][] remote = new float[4][];
        try {
            // Execute
            List<Future<float[]>> runs = new ArrayList<>();
            for (int p = 3; p >= 0; p--) { // in any order
                PeerCommand cmd = peer(file, p, peers, dir);
                runs.add(0, pool.submit(() -> cmd.run(RunCommand.load(file, List.of()), dir.resolve("out"), QUIET)));
            }
            for (int p = 0; p < 4; p++) {
                remote[p] = runs.get(p).get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // Assert
        Experiment.Prepared prepared = RunCommand.load(file, List.of()).prepare(QUIET);
        SimulationSpec spec = prepared.spec();
        float[] simulated;
        try (GossipSimulation sim = new GossipSimulation(spec, prepared.gossip())) {
            simulated = sim.run((m, t) -> { }).finalParams();
        }
        float[] mean = new float[simulated.length];
        for (int e = 0; e < mean.length; e++) {
            double s = 0;
            for (float[] x : remote) {
                s += x[e];
            }
            mean[e] = (float) (s / remote.length);
        }
        assertArrayEquals(simulated, mean, 1e-6f, "the simulator's peers, same seed: the mean of their models");
        assertTrue(Files.exists(dir.resolve("out/model-3.safetensors")));
        try (Model model = spec.models().create()) {
            model.setParams(mean);
            double accuracy = model.evaluate(spec.test()).accuracy();
            System.out.println("PeerDeployTest: accuracy of the peers' mean after 4 iterations " + accuracy);
            assertTrue(accuracy > 0.7, "D-PSGD over gRPC learns the digits (chance is 0.1): " + accuracy);
        }
    }

    @Test
    void badPeerInputNamesTheFlagOrKeyAndTheValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ring.toml");
        Files.writeString(file, RING);
        EdgeDeployTest.tokens(dir, "peer-token", 4, "peer-secret-");
        Path peers = dir.resolve("peers.txt");
        Files.writeString(peers, "0 127.0.0.1:7000\n1 127.0.0.1:7001\n2 nowhere\n3 127.0.0.1:7003\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> peer(file, 0, peers, dir)
                .run(RunCommand.load(file, List.of()), dir.resolve("o"), QUIET));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'nowhere'"), e.getMessage());
        Files.writeString(peers, "0 127.0.0.1:7000\n1 127.0.0.1:7001\n3 127.0.0.1:7003\n");
        e = assertThrows(IllegalArgumentException.class, () -> peer(file, 0, peers, dir)
                .run(RunCommand.load(file, List.of()), dir.resolve("o"), QUIET));
        assertTrue(e.getMessage().contains("no address for peer 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> peer(file, 4, peers, dir)
                .run(RunCommand.load(file, List.of()), dir.resolve("o"), QUIET));
        assertTrue(e.getMessage().contains("--peer-id must be in [0, 4), got 4"), e.getMessage());
        Path combo = dir.resolve("combo.toml");
        Files.writeString(combo, RING.replace("mode = \"dpsgd\"", "mode = \"combo\"\nsegments = 2\nreplicas = 1"));
        e = assertThrows(IllegalArgumentException.class, () -> peer(combo, 0, peers, dir)
                .run(RunCommand.load(combo, List.of()), dir.resolve("o"), QUIET));
        assertTrue(e.getMessage().contains("mode = \"combo\""), e.getMessage());
        Path flat = dir.resolve("flat.toml");
        Files.writeString(flat, RING.substring(0, RING.indexOf("[gossip]")));
        e = assertThrows(IllegalArgumentException.class, () -> peer(flat, 0, peers, dir)
                .run(RunCommand.load(flat, List.of()), dir.resolve("o"), QUIET));
        assertTrue(e.getMessage().contains("[gossip]"), e.getMessage());
    }
}
