package org.dml4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.fl.FlClient;
import org.dml4j.grpc.GrpcParticipant;
import org.dml4j.grpc.Security;
import org.dml4j.model.Model;
import org.dml4j.model.ParameterLayout;
import org.dml4j.sim.SimulationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dml4j join --server HOST:PORT --config FILE.toml --client-id N --token-file FILE}: one participant of a
 * deployment. It reads the experiment file for the model, local training and compression; its local data is either
 * the data set at {@code --data} (its training split, whole) or, without it, its shard of the file's partition (the
 * same shard the simulator would give client N). It trains the tasks the coordinator sends and uploads the
 * compressed updates until the run ends, reconnecting when the connection breaks.
 */
@Command(name = "join", mixinStandardHelpOptions = true,
        description = {"Join a federated run served by `dml4j serve` as one participant with its own local data."})
public final class JoinCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", description = "the coordinator")
    String server;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the experiment file (.toml)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key of the file")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--client-id", required = true, paramLabel = "N", description = "this participant's id")
    int clientId;

    @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "this participant's token")
    Path tokenFile;

    @Option(names = "--data", paramLabel = "PATH", description = "local data (the file's data set type, read from"
            + " here; its training split is this participant's data); default: its shard of the file's partition")
    Path data;

    @Option(names = "--insecure", description = "plaintext without TLS (loopback trials only)")
    boolean insecure;

    @Option(names = "--max-reconnects", defaultValue = "20", paramLabel = "N",
            description = "consecutive failed connections before giving up (default ${DEFAULT-VALUE})")
    int maxReconnects;

    @picocli.CommandLine.Mixin
    TlsOptions.Connecting toServer;

    @picocli.CommandLine.Mixin
    DataStores.Offline offline;

    @Override
    public Integer call() {
        if (!insecure && !toServer.complete()) {
            throw new IllegalArgumentException("join needs --ca (TLS), or --insecure for a plaintext loopback trial");
        }
        GrpcParticipant.Result r = run(System.err);
        System.err.println("join: participant " + clientId + " ran " + r.tasks() + " tasks (" + r.accepted()
                + " accepted, " + r.duplicates() + " duplicates, " + r.refused() + " refused), " + r.reconnects()
                + " reconnects; " + r.finished());
        return 0;
    }

    GrpcParticipant.Result run(PrintStream log) {
        String[] hostPort = hostPort(server);
        String host = hostPort[0];
        int port = Integer.parseInt(hostPort[1]);
        Experiment exp = RunCommand.load(config, overrides);
        SimulationSpec spec = exp.prepare(log).spec();
        if (clientId < 0 || clientId >= spec.clientData().size()) {
            throw new IllegalArgumentException("--client-id must be in [0, " + spec.clientData().size() + "), got "
                    + clientId);
        }
        Dataset local = data == null ? spec.clientData().get(clientId)
                : DataStores.forCommandLine().load(exp.data().dataset(), data).train();
        Model model = spec.models().create();
        try {
            FlClient client = client(spec, clientId, local, layout(model));
            Security.TlsFiles tls = toServer.files(insecure);
            GrpcParticipant.Settings s = new GrpcParticipant.Settings(host, port, tls, toServer.authority,
                    Security.readToken(tokenFile), maxReconnects, 1.0, 600);
            log.println("join: participant " + clientId + " with " + local.size() + " samples, connecting to "
                    + server);
            try (GrpcParticipant p = new GrpcParticipant(s, client, () -> model)) {
                return p.run();
            }
        } finally {
            model.close();
        }
    }

    /**
     * @param server {@code --server}'s value
     * @return its host (without IPv6 brackets) and port
     * @throws IllegalArgumentException naming {@code --server} and the value when it is not HOST:PORT
     */
    static String[] hostPort(String server) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || !server.substring(colon + 1).matches("\\d{1,5}")
                || Integer.parseInt(server.substring(colon + 1)) < 1
                || Integer.parseInt(server.substring(colon + 1)) > 65535) {
            throw new IllegalArgumentException("--server must be HOST:PORT with a port in [1, 65535], got '" + server
                    + "'");
        }
        return new String[] {server.substring(0, colon).replaceAll("^\\[|]$", ""), server.substring(colon + 1)};
    }

    /**
     * @param spec     the resolved experiment
     * @param clientId the participant's id
     * @param local    its local data
     * @param layout   the model's layout
     * @return the client the simulator would make for this id: the file's training and uplink compressor, its
     *     compressor state seeded by {@code compressor/<id>}
     */
    static FlClient client(SimulationSpec spec, int clientId, Dataset local, UpdateLayout layout) {
        SeedTree seeds = SeedTree.root(spec.seed());
        GradientCompressor uplink = spec.compression().uplinkCompressor();
        return new FlClient(clientId, local,
                () -> uplink.newState(layout, seeds.child("compressor").child(clientId).random()), spec.training(),
                seeds, spec.compression().dataAware().absolute());
    }

    /**
     * @param model a model
     * @return its parameter tensors as the compressors' layers (as the simulator does)
     */
    static UpdateLayout layout(Model model) {
        ParameterLayout params = model.layout();
        int[][] shapes = new int[params.entries().size()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = params.entries().get(i).shape();
        }
        return new UpdateLayout(shapes);
    }
}
