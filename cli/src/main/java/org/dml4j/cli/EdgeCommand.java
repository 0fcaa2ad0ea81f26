package org.dml4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.hier.EdgeAggregator;
import org.dml4j.fl.hier.EdgeTiming;
import org.dml4j.grpc.GrpcEdgeClients;
import org.dml4j.grpc.GrpcParticipant;
import org.dml4j.grpc.GrpcTransport;
import org.dml4j.grpc.Security;
import org.dml4j.grpc.UpdateValidator;
import org.dml4j.grpc.Wire;
import org.dml4j.model.Model;
import org.dml4j.sim.SimulationSpec;
import org.dml4j.sim.topology.Hierarchy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dml4j edge FILE.toml --edge-id E --server HOST:PORT --token-file FILE --port P --tokens FILE}: an edge
 * aggregator of a hierarchical deployment (HierFAVG). Upstream it is one participant of the cloud's coordinator
 * ({@code dml4j serve} of the same file), authenticated like {@code dml4j join} with its own token; downstream it
 * listens, like {@code serve}, for its own clients ({@code dml4j join --server EDGE:P --client-id C}, the clients the
 * file's {@code [topology]} groups to edge E). Each cloud task runs κ2 ({@code edge-rounds}) FedAvg rounds of κ1
 * ({@code [training] local-steps}) steps over its clients, then answers the cloud with its compressed delta
 * ({@code [topology.edge-uplink]}); the edge→client downlink is {@code [topology.edge-downlink]} when given. The
 * edge's rounds, seed paths and averaging are the simulator's ({@link Hierarchy#edge}, {@link EdgeAggregator}), so a
 * deployment with every client present makes the simulator's models.
 *
 * <pre>
 * L. Liu, J. Zhang, S. H. Song, K. B. Letaief. Client-Edge-Cloud Hierarchical Federated Learning. IEEE ICC 2020.
 * </pre>
 */
@Command(name = "edge", mixinStandardHelpOptions = true,
        description = {"Run an edge aggregator of a hierarchical run: a participant of `serve` that coordinates its"
                + " own clients (`join --server EDGE:PORT`)."})
public final class EdgeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "experiment file (.toml) with [topology] mode ="
            + " \"hierarchical\"")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key of the file")
    List<String> overrides = new ArrayList<>();

    @Option(names = {"--edge-id", "--client-id"}, required = true, paramLabel = "E",
            description = "this edge's id (0 .. edges-1): its participant id at the cloud, and its group of clients")
    int edgeId;

    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", description = "the cloud (dml4j serve)")
    String server;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
            description = "this edge's token at the cloud")
    Path tokenFile;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to listen on for the clients (default ${DEFAULT-VALUE}; 0.0.0.0 for every"
                    + " interface)")
    String host;

    @Option(names = "--port", defaultValue = "7071", description = "port for the clients (default ${DEFAULT-VALUE};"
            + " 0 for any)")
    int port;

    @Option(names = "--tokens", required = true, paramLabel = "FILE",
            description = "the clients' tokens, '<client id> <token>' a line; only this edge's clients are accepted")
    Path tokens;

    @Option(names = "--insecure", description = "plaintext without TLS, to the cloud and to the clients (loopback"
            + " trials only)")
    boolean insecure;

    @Option(names = "--join-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "how long to wait for the edge's clients (default ${DEFAULT-VALUE})")
    double joinTimeout;

    @Option(names = "--max-reconnects", defaultValue = "20", paramLabel = "N",
            description = "consecutive failed connections to the cloud before giving up (default ${DEFAULT-VALUE})")
    int maxReconnects;

    @picocli.CommandLine.Mixin
    TlsOptions.Connecting toServer;

    @picocli.CommandLine.Mixin
    TlsOptions.Listening forClients;

    @picocli.CommandLine.Mixin
    DataStores.Offline offline;

    @Override
    public Integer call() {
        if (!insecure && (!toServer.complete() || !forClients.complete())) {
            throw new IllegalArgumentException("edge needs --ca (TLS to the cloud) and --listen-cert and --listen-key"
                    + " (TLS to its clients), or --insecure for a plaintext loopback trial");
        }
        GrpcParticipant.Result r = run(System.err);
        System.err.println("edge: edge " + edgeId + " ran " + r.tasks() + " cloud tasks (" + r.accepted()
                + " accepted, " + r.duplicates() + " duplicates, " + r.refused() + " refused), " + r.reconnects()
                + " reconnects; " + r.finished());
        return 0;
    }

    /**
     * @param log progress lines
     * @return what the edge did as the cloud's participant
     */
    GrpcParticipant.Result run(PrintStream log) {
        String[] hostPort = JoinCommand.hostPort(server);
        Experiment exp = RunCommand.load(file, overrides);
        exp.requireDeployableTopology("edge");
        Experiment.Prepared prepared = exp.prepare(log);
        Hierarchy hierarchy = prepared.hierarchy();
        if (hierarchy == null) {
            throw new IllegalArgumentException("edge needs [topology] mode = \"hierarchical\" in " + file + " (the"
                    + " edges' groups of clients and edge-rounds)");
        }
        if (edgeId < 0 || edgeId >= hierarchy.edges()) {
            throw new IllegalArgumentException("--edge-id must be in [0, " + hierarchy.edges() + "), got " + edgeId);
        }
        SimulationSpec spec = prepared.spec();
        int clients = spec.clientData().size();
        int[] mine = hierarchy.clientsOf(edgeId);
        try (Model model = spec.models().create()) {
            float[] init = new float[model.numParams()];
            model.getParams(init);
            UpdateLayout layout = JoinCommand.layout(model);
            Security.TlsFiles down = forClients.files(insecure);
            GrpcTransport.Settings settings = new GrpcTransport.Settings(host, port, clients, init.length,
                    mine.length, joinTimeout, 120, Wire.DEFAULT_CHUNK_BYTES,
                    UpdateValidator.defaultMaxBytes(init.length), down,
                    GrpcEdgeClients.tokensFor(Security.readTokens(tokens), mine, clients));
            try (GrpcEdgeClients tier = new GrpcEdgeClients(settings, mine)) {
                log.println("edge: edge " + edgeId + " listening on " + host + ":" + tier.port() + " for its clients "
                        + Arrays.toString(mine) + (down.enabled() ? " (TLS)" : " (plaintext)"));
                int samples = tier.awaitClients();
                EdgeAggregator edge = hierarchy.edge(edgeId, tier, layout, init, SeedTree.root(spec.seed()),
                        EdgeTiming.NONE);
                Security.TlsFiles up = toServer.files(insecure);
                GrpcParticipant.Settings s = new GrpcParticipant.Settings(hostPort[0],
                        Integer.parseInt(hostPort[1]), up, toServer.authority, Security.readToken(tokenFile),
                        maxReconnects, 1.0, 600);
                log.println("edge: edge " + edgeId + " has its " + mine.length + " clients (" + samples
                        + " samples), kappa2 = " + hierarchy.edgeRounds() + "; connecting to the cloud at " + server);
                try (GrpcParticipant p = new GrpcParticipant(s, edge, () -> null)) {
                    return p.run();
                }
            }
        }
    }
}
