package org.dml4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.RunManifest;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.FlClient;
import org.dml4j.grpc.GrpcDpsgdPeer;
import org.dml4j.grpc.GrpcEdgeClients;
import org.dml4j.grpc.GrpcParticipant;
import org.dml4j.grpc.GrpcTransport;
import org.dml4j.grpc.Security;
import org.dml4j.grpc.UpdateValidator;
import org.dml4j.grpc.Wire;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;
import org.dml4j.model.Safetensors;
import org.dml4j.sim.GossipSimulation;
import org.dml4j.sim.SimulationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dml4j peer FILE.toml --peer-id I --peers PEERS.txt --token-file FILE --tokens FILE}: one peer of a
 * decentralized run over gRPC, with no coordinator: D-PSGD ({@code [gossip] mode = "dpsgd"}) on the file's graph
 * ({@link GrpcDpsgdPeer}). {@code PEERS.txt} lists every peer, {@code <id> <host>:<port>} a line; a peer listens on its
 * own line's port (on {@code --host}) for its higher-numbered neighbours and connects to its lower-numbered ones. Its
 * data is its shard of the file's partition (the simulator's peer {@code I}'s); it runs {@code [run] rounds}
 * iterations, prints its model's test accuracy every {@code eval-every} iterations and writes its final model to
 * {@code <out>/model-<I>.safetensors}. With every peer present the peers' models are the simulator's.
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = {"Run one peer of decentralized training (D-PSGD) over gRPC, with no coordinator."})
public final class PeerCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "experiment file (.toml) with [gossip] mode ="
            + " \"dpsgd\"")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key of the file")
    List<String> overrides = new ArrayList<>();

    @Option(names = {"--peer-id", "--client-id"}, required = true, paramLabel = "I", description = "this peer's id")
    int peerId;

    @Option(names = "--peers", required = true, paramLabel = "FILE",
            description = "every peer's address, '<id> <host>:<port>' a line")
    Path peers;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
            description = "this peer's token (it presents it to its lower-numbered neighbours)")
    Path tokenFile;

    @Option(names = "--tokens", required = true, paramLabel = "FILE",
            description = "the peers' tokens, '<id> <token>' a line (checked for its higher-numbered neighbours)")
    Path tokens;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default"
            + " ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
    String host;

    @Option(names = "--insecure", description = "plaintext without TLS (loopback trials only)")
    boolean insecure;

    @Option(names = "--join-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "how long to wait for the neighbours (default ${DEFAULT-VALUE})")
    double joinTimeout;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: runs/<run name>-peer-<I>)")
    Path out;

    @picocli.CommandLine.Mixin
    TlsOptions.Connecting toServer;

    @picocli.CommandLine.Mixin
    TlsOptions.Listening forClients;

    @picocli.CommandLine.Mixin
    DataStores.Offline offline;

    @Override
    public Integer call() {
        if (!insecure && (!toServer.complete() || !forClients.complete())) {
            throw new IllegalArgumentException("peer needs --ca (TLS to its neighbours) and --listen-cert and"
                    + " --listen-key (TLS for them), or --insecure for a plaintext loopback trial");
        }
        Experiment exp = RunCommand.load(file, overrides);
        run(exp, out != null ? out : Path.of("runs", exp.name() + "-peer-" + peerId), System.err);
        return 0;
    }

    /**
     * @param file a peers file
     * @param n    the number of peers
     * @return each peer's host and port, by id
     * @throws IllegalArgumentException naming the file and line of a malformed, repeated or missing entry
     */
    static String[][] readPeers(Path file, int n) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peers file " + file, e);
        }
        String[][] out = new String[n][];
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !parts[0].matches("\\d{1,9}")) {
                throw new IllegalArgumentException("--peers " + file + " line " + (i + 1) + ": expected '<id>"
                        + " <host>:<port>', got '" + line + "'");
            }
            int id = Integer.parseInt(parts[0]);
            if (id >= n) {
                throw new IllegalArgumentException("--peers " + file + " line " + (i + 1) + ": peer " + id
                        + " is outside the run's " + n + " peers ([partition] clients)");
            }
            if (out[id] != null) {
                throw new IllegalArgumentException("--peers " + file + " line " + (i + 1) + ": peer " + id
                        + " is listed twice");
            }
            try {
                out[id] = JoinCommand.hostPort(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--peers " + file + " line " + (i + 1) + ": the address must be"
                        + " HOST:PORT with a port in [1, 65535], got '" + parts[1] + "'", e);
            }
        }
        for (int p = 0; p < n; p++) {
            if (out[p] == null) {
                throw new IllegalArgumentException("--peers " + file + " has no address for peer " + p + " (the run"
                        + " has " + n + " peers)");
            }
        }
        return out;
    }

    /**
     * @param exp the experiment
     * @param dir output folder
     * @param log progress lines
     * @return the peer's final model
     */
    float[] run(Experiment exp, Path dir, PrintStream log) {
        Experiment.Prepared prepared = exp.prepare(log);
        GossipSimulation.Gossip gossip = prepared.gossip();
        if (gossip == null) {
            throw new IllegalArgumentException("peer needs a [gossip] table with mode = \"dpsgd\" in " + file);
        }
        if (!gossip.mode().equals("dpsgd")) {
            throw new IllegalArgumentException("[gossip] mode = \"" + gossip.mode() + "\" does not run over gRPC yet:"
                    + " dml4j peer runs mode = \"dpsgd\"");
        }
        SimulationSpec spec = prepared.spec();
        if (!(spec.compression().uplinkCompressor() instanceof IdentityCompressor)) {
            throw new IllegalArgumentException("[compressor] type = '" + spec.compression().uplinkCompressor().name()
                    + "': compressed gossip (CHOCO) does not run over gRPC yet; dml4j peer needs type = \"identity\"");
        }
        int n = spec.clientData().size();
        if (peerId < 0 || peerId >= n) {
            throw new IllegalArgumentException("--peer-id must be in [0, " + n + "), got " + peerId);
        }
        String[][] addresses = readPeers(peers, n);
        SeedTree seeds = SeedTree.root(spec.seed());
        try (Model model = spec.models().create()) {
            float[] init = new float[model.numParams()];
            model.getParams(init);
            // the simulator's peer: one layer, the identity compressor seeded by compressor/<id>
            UpdateLayout layout = new UpdateLayout(new int[][] {{init.length}});
            SplittableRandom rng = seeds.child("compressor").child(peerId).random();
            FlClient client = new FlClient(peerId, spec.clientData().get(peerId),
                    () -> new IdentityCompressor().newState(layout, rng), spec.training(), seeds, false);
            String token = Security.readToken(tokenFile);
            Security.TlsFiles up = toServer.files(insecure);
            Map<Integer, GrpcParticipant.Settings> connect = new HashMap<>();
            for (int j = 0; j < peerId; j++) {
                connect.put(j, new GrpcParticipant.Settings(addresses[j][0], Integer.parseInt(addresses[j][1]), up,
                        toServer.authority, token, 20, 1.0, 600));
            }
            int[] higher = java.util.Arrays.stream(gossip.mixing().support(peerId)).filter(j -> j > peerId)
                    .sorted().toArray();
            GrpcTransport.Settings listen = null;
            if (higher.length > 0) {
                Security.TlsFiles down = forClients.files(insecure);
                listen = new GrpcTransport.Settings(host, Integer.parseInt(addresses[peerId][1]), n, init.length,
                        higher.length, joinTimeout, 120, Wire.DEFAULT_CHUNK_BYTES,
                        UpdateValidator.defaultMaxBytes(init.length), down,
                        GrpcEdgeClients.tokensFor(Security.readTokens(tokens), higher, n));
            }
            log.println("peer: peer " + peerId + " with " + client.numSamples() + " samples; neighbours "
                    + java.util.Arrays.toString(gossip.mixing().support(peerId)) + " on the file's graph");
            float[] last;
            try (GrpcDpsgdPeer peer = new GrpcDpsgdPeer(client, gossip.mixing(), listen, connect)) {
                last = peer.run(init, spec.rounds(), spec.training(), model, (t, loss, x) -> {
                    if (t % spec.evalEvery() == 0 || t == spec.rounds()) {
                        model.setParams(x);
                        EvalResult ev = model.evaluate(spec.test());
                        log.println(String.format(Locale.ROOT, "peer %d, iteration %d: train loss %.4f, test"
                                + " accuracy %.2f%%", peerId, t, loss, 100 * ev.accuracy()));
                    }
                });
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
            Safetensors.write(dir.resolve("model-" + peerId + ".safetensors"), model.layout(), last, Map.of("run",
                    exp.name(), "seed", Long.toString(exp.seed()), "peer", Integer.toString(peerId), "dml4j",
                    RunManifest.version()));
            return last;
        }
    }
}
