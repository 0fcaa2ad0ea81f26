package org.dml4j.cli;

import static org.dml4j.cli.Loopback.freePort;
import static org.dml4j.cli.Loopback.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.grpc.GrpcParticipant;
import org.dml4j.sim.FederatedSimulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dml4j serve} as the cloud, two {@code dml4j edge} aggregators and two {@code dml4j join} clients under each,
 * on loopback threads, on the bundled digits data: HierFAVG (κ2 = 2 edge rounds of κ1 = 10 steps) trains well above
 * chance and ends with the simulator's hierarchical model for the same seed.
 */
class EdgeDeployTest {
    static final String HIER = """
            [run]
            name = "edges"
            seed = 11
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
            [strategy]
            type = "fedavg"
            fraction = 1.0
            [topology]
            mode = "hierarchical"
            regions = 2
            placement = "blocks"
            grouping = "declared"
            edge-rounds = 2
            [topology.edge-uplink]
            type = "identity"
            """;
    static Path tokens(Path dir, String name, int n, String prefix) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < n; p++) {
            sb.append(p).append(' ').append(prefix).append(p).append('\n');
            Files.writeString(dir.resolve(name + "-" + p + ".txt"), prefix + p + "\n");
        }
        Path f = dir.resolve(name + ".txt");
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void aCloudTwoEdgesAndFourClientsTrainAndGiveTheSimulatorsHierarchicalModel(@TempDir Path dir)
            throws Exception {
        // Prepare: separate tokens for the edges (at the cloud) and the clients (at their edge)
        Path file = dir.resolve("hier.toml");
        Files.writeString(file, HIER);
        Path edgeTokens = tokens(dir, "edge-token", 2, "edge-secret-");
        Path clientTokens = tokens(dir, "client-token", 4, "client-secret-");
        int cloud = freePort();
        int[] edgePort = {freePort(), freePort()};
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            // Execute
            ServeCommand serve = new ServeCommand();
            new CommandLine(serve).parseArgs(file.toString(), "--port", Integer.toString(cloud), "--tokens",
                    edgeTokens.toString(), "--insecure", "--join-timeout", "120");
            Future<float[]> server = pool.submit(() -> serve.run(RunCommand.load(file, List.of()),
                    dir.resolve("cloud"), QUIET));
            List<Future<GrpcParticipant.Result>> edges = new ArrayList<>();
            for (int e = 0; e < 2; e++) {
                EdgeCommand edge = new EdgeCommand();
                new CommandLine(edge).parseArgs(file.toString(), "--edge-id", Integer.toString(e), "--server",
                        "127.0.0.1:" + cloud, "--token-file", dir.resolve("edge-token-" + e + ".txt").toString(),
                        "--port", Integer.toString(edgePort[e]), "--tokens", clientTokens.toString(), "--insecure",
                        "--join-timeout", "120");
                edges.add(pool.submit(() -> edge.run(QUIET)));
            }
            List<Future<GrpcParticipant.Result>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                JoinCommand join = new JoinCommand();
                // placement "blocks", grouping "declared": clients 0-1 at edge 0, 2-3 at edge 1
                new CommandLine(join).parseArgs("--server", "127.0.0.1:" + edgePort[c / 2], "--config",
                        file.toString(), "--client-id", Integer.toString(c), "--token-file",
                        dir.resolve("client-token-" + c + ".txt").toString(), "--insecure");
                clients.add(pool.submit(() -> join.run(QUIET)));
            }
            float[] remote = server.get(300, TimeUnit.SECONDS);
            for (Future<GrpcParticipant.Result> e : edges) {
                GrpcParticipant.Result r = e.get(60, TimeUnit.SECONDS);
                assertEquals("the run is complete", r.finished());
                assertEquals(4, r.accepted(), "one cloud task per version");
            }
            for (Future<GrpcParticipant.Result> c : clients) {
                GrpcParticipant.Result r = c.get(60, TimeUnit.SECONDS);
                assertEquals("the run is complete", r.finished());
                assertEquals(8, r.accepted(), "kappa2 = 2 edge rounds per cloud version");
            }

            // Assert
            List<RoundMetrics> rows = MetricsCsv.read(dir.resolve("cloud/metrics.csv"));
            assertEquals(4, rows.size());
            assertTrue(rows.stream().allMatch(m -> m.clients() == 2), "the cloud's participants are the 2 edges");
            double accuracy = rows.get(3).testAccuracy();
            System.out.println("EdgeDeployTest: cloud accuracy after 4 versions " + accuracy);
            assertTrue(accuracy > 0.7, "HierFAVG over gRPC learns the digits (chance is 0.1): " + accuracy);
            Experiment.Prepared prepared = RunCommand.load(file, List.of()).prepare(QUIET);
            float[] simulated;
            try (FederatedSimulation sim = new FederatedSimulation(prepared.spec(), prepared.hierarchy())) {
                simulated = sim.run((m, t) -> { }).finalParams();
            }
            assertArrayEquals(simulated, remote, 1e-6f, "the simulator's hierarchical run, same seed");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badEdgeInputNamesTheFlagOrKeyAndTheValue(@TempDir Path dir) throws Exception {
        Path flat = dir.resolve("flat.toml");
        Files.writeString(flat, HIER.substring(0, HIER.indexOf("[topology]")));
        Path tokens = tokens(dir, "t", 4, "s-");
        EdgeCommand edge = new EdgeCommand();
        new CommandLine(edge).parseArgs(flat.toString(), "--edge-id", "0", "--server", "127.0.0.1:1", "--token-file",
                dir.resolve("t-0.txt").toString(), "--tokens", tokens.toString(), "--insecure");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> edge.run(QUIET));
        assertTrue(e.getMessage().contains("[topology] mode = \"hierarchical\""), e.getMessage());

        Path hier = dir.resolve("hier.toml");
        Files.writeString(hier, HIER);
        EdgeCommand far = new EdgeCommand();
        new CommandLine(far).parseArgs(hier.toString(), "--edge-id", "2", "--server", "127.0.0.1:1", "--token-file",
                dir.resolve("t-0.txt").toString(), "--tokens", tokens.toString(), "--insecure");
        e = assertThrows(IllegalArgumentException.class, () -> far.run(QUIET));
        assertTrue(e.getMessage().contains("--edge-id must be in [0, 2), got 2"), e.getMessage());

        EdgeCommand badServer = new EdgeCommand();
        new CommandLine(badServer).parseArgs(hier.toString(), "--edge-id", "0", "--server", "cloud", "--token-file",
                dir.resolve("t-0.txt").toString(), "--tokens", tokens.toString(), "--insecure");
        e = assertThrows(IllegalArgumentException.class, () -> badServer.run(QUIET));
        assertTrue(e.getMessage().contains("--server") && e.getMessage().contains("'cloud'"), e.getMessage());

        Path some = dir.resolve("some.txt");
        Files.writeString(some, "0 s-0\n");
        EdgeCommand missing = new EdgeCommand();
        new CommandLine(missing).parseArgs(hier.toString(), "--edge-id", "0", "--server", "127.0.0.1:1",
                "--token-file", dir.resolve("t-0.txt").toString(), "--tokens", some.toString(), "--insecure",
                "--port", "0");
        e = assertThrows(IllegalArgumentException.class, () -> missing.run(QUIET));
        assertTrue(e.getMessage().contains("client 1"), e.getMessage());

        ServeCommand serve = new ServeCommand();
        Path gossip = dir.resolve("gossip.toml");
        Files.writeString(gossip, HIER.substring(0, HIER.indexOf("[topology]"))
                + "[gossip]\nmode = \"dpsgd\"\ngraph = \"ring\"\n");
        new CommandLine(serve).parseArgs(gossip.toString(), "--tokens", tokens.toString(), "--insecure");
        e = assertThrows(IllegalArgumentException.class, () -> serve.run(RunCommand.load(gossip, List.of()),
                dir.resolve("o"), QUIET));
        assertTrue(e.getMessage().contains("[gossip]") && e.getMessage().contains("dml4j peer"), e.getMessage());
    }

    @Test
    void serveAndEdgeRefuseTheTopologyKeysOnlyTheSimulatorApplies(@TempDir Path dir) throws Exception {
        // Prepare: the hierarchical file with a scheduled link change, and with a simulated edge host
        Path tokens = tokens(dir, "t", 4, "s-");
        Path moving = dir.resolve("moving.toml");
        Files.writeString(moving, HIER.replace("edge-rounds = 2\n", "edge-rounds = 2\nlink-changes = [{ at = 5.0,"
                + " client = 1, site = \"site-1\", mbps = 100, latency-ms = 2 }]\n"));
        Path hosted = dir.resolve("hosted.toml");
        Files.writeString(hosted, HIER.replace("edge-rounds = 2\n", "edge-rounds = 2\nedge-host = \"measured\"\n"));

        for (Path file : List.of(moving, hosted)) {
            // Act: the cloud and an edge on the file
            ServeCommand serve = new ServeCommand();
            new CommandLine(serve).parseArgs(file.toString(), "--tokens", tokens.toString(), "--insecure");
            IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                    () -> serve.run(RunCommand.load(file, List.of()), dir.resolve("o"), QUIET));
            EdgeCommand edge = new EdgeCommand();
            new CommandLine(edge).parseArgs(file.toString(), "--edge-id", "0", "--server", "127.0.0.1:1",
                    "--token-file", dir.resolve("t-0.txt").toString(), "--tokens", tokens.toString(), "--insecure");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> edge.run(QUIET));

            // Assert: both refuse before listening, naming the key and its value
            String[] expected = file == moving
                    ? new String[] {"[topology] link-changes", "1 entry", "client = 1", "site = \"site-1\""}
                    : new String[] {"[topology] edge-host = \"measured\"", "\"dedicated\""};
            for (String want : expected) {
                assertTrue(s.getMessage().startsWith("serve: ") && s.getMessage().contains(want), s.getMessage());
                assertTrue(e.getMessage().startsWith("edge: ") && e.getMessage().contains(want), e.getMessage());
            }
        }
        // the same file without them passes the check
        RunCommand.load(writeHier(dir), List.of()).requireDeployableTopology("serve");
    }

    private static Path writeHier(Path dir) throws Exception {
        Path f = dir.resolve("plain.toml");
        Files.writeString(f, HIER);
        return f;
    }
}
