package org.dml4j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.RunManifest;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.Coordinator;
import org.dml4j.fl.CoordinatorListener;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.grpc.Checkpoint;
import org.dml4j.grpc.GrpcTransport;
import org.dml4j.grpc.Security;
import org.dml4j.grpc.UpdateValidator;
import org.dml4j.grpc.Wire;
import org.dml4j.model.Model;
import org.dml4j.sim.SimulationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dml4j serve FILE.toml}: the coordinator of a real deployment. It reads the same experiment file as
 * {@code run} (seed, rounds, model, training, strategy, compression; the test split for evaluation), listens for
 * participants ({@code dml4j join}) over gRPC with TLS and per-participant tokens, waits for them, runs the strategy
 * and writes {@code metrics.csv} (its last column the wall-clock seconds since the run started),
 * {@code events.jsonl} and {@code run-manifest.json}. The pool's sizes are those the participants report when they
 * join. The {@code [network]} and {@code [devices]} tables of the file are ignored: the network is real.
 *
 * <p>After every version the global model and the version number are checkpointed atomically
 * ({@link Checkpoint}); with {@code --resume} a restarted coordinator continues after the checkpoint's version, keeps
 * the rows of {@code metrics.csv} up to it and appends to {@code events.jsonl}, and participants that kept trying to
 * rejoin find it again. A resumed segment draws its randomness from a seed derived from the run's seed and the
 * version it resumes at, and a strategy's state between versions (an asynchronous strategy's buffer) starts empty:
 * no completed version is lost, but the run is not bit-identical to one that was never interrupted. Byte totals and
 * the seconds column count from the start of the segment.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Coordinate a federated run across machines over gRPC (participants connect with `join`)."})
public final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "experiment file (.toml)")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key of the file")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
    String host;

    @Option(names = "--port", defaultValue = "7070", description = "port (default ${DEFAULT-VALUE}; 0 for any)")
    int port;

    @Option(names = "--tokens", required = true, paramLabel = "FILE",
            description = "the participants' tokens, '<id> <token>' a line (see `dml4j certs`)")
    Path tokens;

    @Option(names = "--cert", paramLabel = "PEM", description = "server certificate chain (TLS)")
    Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "server private key, PKCS#8 (TLS)")
    Path key;

    @Option(names = "--client-ca", paramLabel = "PEM", description = "require client certificates from this CA"
            + " (mutual TLS)")
    Path clientCa;

    @Option(names = "--insecure", description = "plaintext without TLS (loopback trials only)")
    boolean insecure;

    @Option(names = "--min-participants", paramLabel = "N", description = "participants needed to start (default:"
            + " all of [partition] clients)")
    Integer minParticipants;

    @Option(names = "--join-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "how long to wait for them (default ${DEFAULT-VALUE})")
    double joinTimeout;

    @Option(names = "--rejoin-wait", defaultValue = "120", paramLabel = "SECONDS",
            description = "how long to wait for a dropped participant when nothing else can happen (default"
                    + " ${DEFAULT-VALUE})")
    double rejoinWait;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: runs/<run name>-serve)")
    Path out;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "written atomically after every version (default: <out>/checkpoint.bin)")
    Path checkpoint;

    @Option(names = "--resume", description = "continue after the checkpoint's version when there is one")
    boolean resume;

    /** Called with each version after its checkpoint is written (tests stop the coordinator there). */
    IntConsumer afterCheckpoint = v -> { };

    @picocli.CommandLine.Mixin
    DataStores.Offline offline;

    @Override
    public Integer call() {
        if (!insecure && (cert == null || key == null)) {
            throw new IllegalArgumentException("serve needs --cert and --key (TLS), or --insecure for a plaintext"
                    + " loopback trial");
        }
        Experiment exp = RunCommand.load(file, overrides);
        Path dir = out != null ? out : Path.of("runs", exp.name() + "-serve");
        run(exp, dir, System.err);
        return 0;
    }

    /**
     * @param exp the experiment
     * @param dir output folder
     * @param log progress lines
     * @return the final model
     */
    float[] run(Experiment exp, Path dir, PrintStream log) {
        AtomicFiles.writeString(dir.resolve("run-manifest.json"),
                exp.manifest(commandLine()).toJson());
        SimulationSpec spec = exp.prepare(log).spec();
        int n = spec.clientData().size();
        Security.TlsFiles tls = insecure ? Security.TlsFiles.none() : new Security.TlsFiles(cert, key, clientCa);
        try (Model model = spec.models().create()) {
            float[] init = new float[model.numParams()];
            model.getParams(init);
            Path ckpt = checkpoint != null ? checkpoint : dir.resolve("checkpoint.bin");
            int done = 0;
            List<RoundMetrics> earlier = List.of();
            if (resume && Files.exists(ckpt)) {
                Checkpoint cp = Checkpoint.read(ckpt, init.length);
                done = cp.version();
                init = cp.model();
                int d = done;
                earlier = Files.exists(dir.resolve("metrics.csv")) ? MetricsCsv.read(dir.resolve("metrics.csv"))
                        .stream().filter(m -> m.round() <= d).toList() : List.of();
                log.println("serve: resuming after version " + done + " from " + ckpt);
            }
            if (done >= spec.rounds()) {
                log.println("serve: the checkpoint has all " + spec.rounds() + " versions; nothing to do");
                return init;
            }
            UpdateLayout layout = JoinCommand.layout(model);
            GrpcTransport.Settings settings = new GrpcTransport.Settings(host, port, n, init.length,
                    minParticipants == null ? n : minParticipants, joinTimeout, rejoinWait, Wire.DEFAULT_CHUNK_BYTES,
                    UpdateValidator.defaultMaxBytes(init.length), tls, Security.readTokens(tokens));
            try (GrpcTransport transport = new GrpcTransport(settings)) {
                log.println("serve: listening on " + host + ":" + transport.port() + (tls.enabled() ? " (TLS"
                        + (clientCa != null ? ", client certificates required" : "") + ")" : " (plaintext)")
                        + "; waiting for " + settings.minParticipants() + " of " + n + " participants");
                int[] sizes = transport.awaitParticipants();
                int known = 0;
                long sum = 0;
                for (int s : sizes) {
                    known += s > 0 ? 1 : 0;
                    sum += s;
                }
                for (int p = 0; p < n; p++) {
                    if (sizes[p] == 0) {
                        sizes[p] = (int) Math.max(1, sum / Math.max(1, known)); // not joined yet: the mean size
                    }
                }
                List<RoundMetrics> rows = new ArrayList<>(earlier);
                Coordinator[] c = new Coordinator[1];
                // a resumed segment draws from its own seeds (the versions restart at 0 inside the coordinator)
                long seed = done == 0 ? spec.seed() : spec.seed() ^ (0x9E3779B97F4A7C15L * done);
                try (MetricsCsv.Rows<RoundMetrics> csv = MetricsCsv.metrics(dir.resolve("metrics.csv"), true);
                     BufferedWriter events = done == 0 ? Files.newBufferedWriter(dir.resolve("events.jsonl"))
                             : Files.newBufferedWriter(dir.resolve("events.jsonl"), StandardOpenOption.CREATE,
                                     StandardOpenOption.APPEND)) {
                    earlier.forEach(csv::add);
                    int offset = done;
                    c[0] = new Coordinator(new Coordinator.Settings(seed, spec.rounds() - done, spec.evalEvery(),
                            ClientPool.ofSizes(sizes), spec.training(), init, spec.compression().downlinkCompressor(),
                            layout), spec.strategy(), transport, w -> {
                                model.setParams(w);
                                return model.evaluate(spec.test());
                            }, new CoordinatorListener() {
                                private final CoordinatorListener inner = listener(dir, rows, csv, events, log);

                                @Override
                                public void onRow(RoundMetrics m) {
                                    RoundMetrics r = shift(m, offset);
                                    inner.onRow(r);
                                    new Checkpoint(r.round(), c[0].globalModel()).write(ckpt);
                                    afterCheckpoint.accept(r.round());
                                }

                                @Override
                                public void onLog(String line) {
                                    inner.onLog(line);
                                }

                                @Override
                                public void onEventLog(String jsonLine) {
                                    inner.onEventLog(jsonLine);
                                }
                            });
                    c[0].run();
                } catch (IOException e) {
                    throw new UncheckedIOException("could not write " + dir.resolve("events.jsonl"), e);
                }
                GrpcTransport.Stats s = transport.stats();
                log.println(String.format(Locale.ROOT, "serve: %d versions; %d updates accepted, %d failed, %d"
                        + " duplicates, %d rejected %s, %d unauthenticated calls, %d joins, %d disconnects; %.1f MB"
                        + " up, %.1f MB down", rows.size(), s.accepted(), s.failed(), s.duplicates(),
                        s.rejectedTotal(), s.rejected(), s.unauthenticated(), s.joins(), s.disconnects(),
                        s.bytesUp() / 1e6, s.bytesDown() / 1e6));
                return c[0].globalModel();
            }
        }
    }

    private static RoundMetrics shift(RoundMetrics m, int offset) {
        return offset == 0 ? m : new RoundMetrics(m.round() + offset, m.clients(), m.failed(), m.learningRate(),
                m.trainLoss(), m.testLoss(), m.testAccuracy(), m.elementsUp(), m.bytesUp(), m.densityUp(),
                m.elementsDown(), m.bytesDown(), m.densityDown(), m.totalBytesUp(), m.totalBytesDown(),
                m.simSeconds());
    }

    private List<String> commandLine() {
        List<String> args = new ArrayList<>(List.of("serve", String.valueOf(file)));
        for (String o : overrides) {
            args.add("--set");
            args.add(o);
        }
        return args;
    }

    private static CoordinatorListener listener(Path dir, List<RoundMetrics> rows, MetricsCsv.Rows<RoundMetrics> csv,
                                                BufferedWriter events, PrintStream log) {
        return new CoordinatorListener() {
            @Override
            public void onRow(RoundMetrics m) {
                rows.add(m);
                csv.add(m);
                log.println(String.format(Locale.ROOT, "version %d: %d clients, %d failed%s, %.1f s", m.round(),
                        m.clients(), m.failed(), Double.isNaN(m.testAccuracy()) ? ""
                                : String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * m.testAccuracy()),
                        m.simSeconds()));
            }

            @Override
            public void onLog(String line) {
                log.println(line);
            }

            @Override
            public void onEventLog(String jsonLine) {
                try {
                    events.write(jsonLine);
                    events.write('\n');
                    events.flush(); // a coordinator can die at any time: its log is whole up to then
                } catch (IOException e) {
                    throw new UncheckedIOException("could not write " + dir.resolve("events.jsonl"), e);
                }
            }
        };
    }
}
