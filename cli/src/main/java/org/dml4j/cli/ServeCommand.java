package org.dml4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.RunManifest;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.Coordinator;
import org.dml4j.fl.CoordinatorListener;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.checkpoint.CheckpointFile;
import org.dml4j.grpc.GrpcTransport;
import org.dml4j.grpc.MetricsEndpoint;
import org.dml4j.grpc.Security;
import org.dml4j.grpc.UpdateValidator;
import org.dml4j.grpc.Wire;
import org.dml4j.model.Model;
import org.dml4j.model.Safetensors;
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
 * <p>After every version but the last the coordinator's whole state (global model and version, the rows made so far,
 * the strategy's state, the downlink compressor's, the per-participant bookkeeping and seed-path counters, the pool's
 * sizes) is checkpointed atomically in the format of {@code dml4j run --resume} ({@link CheckpointFile},
 * {@link Coordinator#save}); at the end the final model goes to {@code model.safetensors}. With {@code --resume} a
 * restarted coordinator restores the checkpoint, rewrites {@code metrics.csv} with its rows (a row written after the
 * last checkpoint is redone), appends to {@code events.jsonl}, counts the tasks that were in flight as lost, and the
 * participants, which kept trying to rejoin, find it again. For FedAvg and FedProx the checkpoint is taken between
 * rounds, so the resumed run makes the same tasks with the same seeds and, with every participant back, the same
 * models bit for bit as one never interrupted; an asynchronous strategy resumes its buffer and counts, but its
 * in-flight tasks are lost and its timing is the wall clock's. Strategies that cannot be checkpointed (see
 * {@link Coordinator#checkpointUnsupported}) run without checkpoints. The seconds column continues from the
 * checkpoint's last row; the metrics endpoint's counters count from the restart.
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
            + " all of [partition] clients; the edges of a hierarchical run)")
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
            description = "written atomically after every version (default: <out>/" + CHECKPOINT + ")")
    Path checkpoint;

    @Option(names = "--resume", description = "continue after the checkpoint's version when there is one")
    boolean resume;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "serve Prometheus metrics at"
            + " http://HOST:PORT/metrics (0 for any free port; default: none)")
    Integer metricsPort;

    /** Default name of the checkpoint in the output folder. */
    static final String CHECKPOINT = "checkpoint.safetensors";
    /** The pool's data sizes, kept with the coordinator's state in the checkpoint. */
    private static final String SIZES_KEY = "serve/pool-sizes";

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
        exp.requireDeployableTopology("serve");
        AtomicFiles.writeString(dir.resolve("run-manifest.json"),
                exp.manifest(commandLine()).toJson());
        Experiment.Prepared prepared = exp.prepare(log);
        if (prepared.gossip() != null) {
            throw new IllegalArgumentException("serve runs a coordinator, but the file's [gossip] has peers and no"
                    + " coordinator: start each peer with `dml4j peer`");
        }
        if (prepared.crossRegion() != null) {
            throw new IllegalArgumentException("serve does not run [cross-region] data parallelism (simulator only)");
        }
        SimulationSpec spec = prepared.spec();
        // a hierarchical run's cloud: its participants are the edges (`dml4j edge`), each with its clients
        int n = prepared.hierarchy() != null ? prepared.hierarchy().edges() : spec.clientData().size();
        if (prepared.hierarchy() != null) {
            log.println("serve: hierarchical: the cloud of " + n + " edges (kappa2 = "
                    + prepared.hierarchy().edgeRounds() + "); start each with `dml4j edge`");
        }
        Security.TlsFiles tls = insecure ? Security.TlsFiles.none() : new Security.TlsFiles(cert, key, clientCa);
        try (Model model = spec.models().create()) {
            float[] init = new float[model.numParams()];
            model.getParams(init);
            Path ckpt = checkpoint != null ? checkpoint : dir.resolve(CHECKPOINT);
            Path finalModel = dir.resolve("model.safetensors");
            if (resume && Files.exists(finalModel) && Files.exists(dir.resolve("metrics.csv"))
                    && MetricsCsv.read(dir.resolve("metrics.csv")).size() == spec.rounds()) {
                log.println("serve: the run in " + dir + " is complete (" + spec.rounds() + " versions); nothing to do");
                return readModel(finalModel, init.length);
            }
            String unsupported = Coordinator.checkpointUnsupported(spec.strategy());
            Snapshot saved = null;
            if (resume && Files.exists(ckpt)) {
                if (unsupported != null) {
                    throw new IllegalArgumentException("--resume: " + unsupported);
                }
                saved = CheckpointFile.read(ckpt);
                log.println("serve: resuming after version " + saved.getInt("version") + " from " + ckpt);
            } else if (unsupported != null) {
                log.println("serve: no checkpoints: " + unsupported);
            }
            UpdateLayout layout = JoinCommand.layout(model);
            if (spec.compression().uplinkCompressor().newState(layout, new java.util.SplittableRandom(0))
                    .exchange() != null) {
                throw new IllegalArgumentException("serve: the compressor '" + spec.compression().uplink()
                        + "' makes round exchanges (terngrad shared-scaler, powersgd shared-q), which the gRPC"
                        + " transport does not carry yet; run it in the simulator (dml4j run)");
            }
            GrpcTransport.Settings settings = new GrpcTransport.Settings(host, port, n, init.length,
                    minParticipants == null ? n : minParticipants, joinTimeout, rejoinWait, Wire.DEFAULT_CHUNK_BYTES,
                    UpdateValidator.defaultMaxBytes(init.length), tls, Security.readTokens(tokens));
            try (GrpcTransport transport = new GrpcTransport(settings);
                 MetricsEndpoint metrics = metricsPort == null ? null
                         : new MetricsEndpoint(host, metricsPort, transport)) {
                log.println("serve: listening on " + host + ":" + transport.port() + (tls.enabled() ? " (TLS"
                        + (clientCa != null ? ", client certificates required" : "") + ")" : " (plaintext)")
                        + "; waiting for " + settings.minParticipants() + " of " + n + " participants");
                if (metrics != null) {
                    metrics.onVersion(saved == null ? 0 : saved.getInt("version"), Double.NaN);
                    log.println("serve: metrics at http://" + host + ":" + metrics.port() + "/metrics");
                }
                int[] joined = transport.awaitParticipants();
                // the pool's sizes: those of the first start (a resumed run weighs as the interrupted one did)
                int[] sizes = saved != null ? saved.getInts(SIZES_KEY, n) : poolSizes(joined);
                List<RoundMetrics> rows = new ArrayList<>();
                Coordinator[] c = new Coordinator[1];
                double[] lastCommit = {0}; // the run's clock at the previous commit
                try (MetricsCsv.Rows<RoundMetrics> csv = MetricsCsv.metrics(dir.resolve("metrics.csv"), true);
                     // a coordinator can die at any time: its log is whole up to then
                     EventsJsonl events = EventsJsonl.open(dir, saved != null, true)) {
                    CoordinatorListener inner = listener(rows, csv, events, log);
                    c[0] = new Coordinator(new Coordinator.Settings(spec.seed(), spec.rounds(), spec.evalEvery(),
                            ClientPool.ofSizes(sizes), spec.training(), init, spec.compression().downlinkCompressor(),
                            layout), spec.strategy(), transport, w -> {
                                model.setParams(w);
                                return model.evaluate(spec.test());
                            }, new CoordinatorListener() {
                                @Override
                                public void onRow(RoundMetrics m) {
                                    inner.onRow(m);
                                    if (unsupported == null && !c[0].finished()) {
                                        Snapshot snap = new Snapshot();
                                        c[0].save(snap);
                                        snap.putInts(SIZES_KEY, sizes);
                                        CheckpointFile.write(ckpt, snap);
                                    }
                                    if (metrics != null) {
                                        metrics.onVersion(m.round(), m.simSeconds() - lastCommit[0]);
                                    }
                                    lastCommit[0] = m.simSeconds();
                                    afterCheckpoint.accept(m.round());
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
                    if (saved != null) {
                        c[0].restore(saved);
                        for (RoundMetrics m : c[0].rows()) { // the rows of the checkpoint, exactly
                            rows.add(m);
                            csv.add(m);
                        }
                        byte[] down = saved.getBytes("unavailable");
                        boolean[] unavailable = new boolean[n];
                        for (int p = 0; p < n; p++) {
                            unavailable[p] = down[p] != 0;
                        }
                        lastCommit[0] = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).simSeconds();
                        transport.resume(saved.getLongs("task-of"), unavailable, lastCommit[0]);
                    }
                    c[0].run();
                } catch (IOException e) {
                    throw new UncheckedIOException("could not write " + dir.resolve("events.jsonl"), e);
                }
                Safetensors.write(finalModel, model.layout(), c[0].globalModel(), Map.of("run", exp.name(), "seed",
                        Long.toString(exp.seed()), "rounds", Integer.toString(rows.size()), "dml4j",
                        RunManifest.version()));
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

    /** The participants' data sizes as they joined; one that has not joined yet counts as the mean. */
    private static int[] poolSizes(int[] joined) {
        int[] sizes = joined.clone();
        int known = 0;
        long sum = 0;
        for (int s : sizes) {
            known += s > 0 ? 1 : 0;
            sum += s;
        }
        for (int p = 0; p < sizes.length; p++) {
            if (sizes[p] == 0) {
                sizes[p] = (int) Math.max(1, sum / Math.max(1, known));
            }
        }
        return sizes;
    }

    /**
     * @param file a {@code model.safetensors} that {@code serve} or {@code run} wrote
     * @param dim  the model's parameter count
     * @return its parameters, flat, in layout order
     */
    static float[] readModel(Path file, int dim) {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long data = 8 + len.flip().getLong();
            if (ch.size() != data + 4L * dim) {
                throw new IllegalArgumentException(file + " holds " + (ch.size() - data) + " bytes of parameters, the"
                        + " model " + 4L * dim);
            }
            ByteBuffer b = ByteBuffer.allocate(4 * dim).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b, data + b.position()) > 0) {
                // read on
            }
            float[] out = new float[dim];
            b.flip().asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private List<String> commandLine() {
        List<String> args = new ArrayList<>(List.of("serve", String.valueOf(file)));
        for (String o : overrides) {
            args.add("--set");
            args.add(o);
        }
        return args;
    }

    private static CoordinatorListener listener(List<RoundMetrics> rows, MetricsCsv.Rows<RoundMetrics> csv,
                                                EventsJsonl events, PrintStream log) {
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
                events.write(jsonLine);
            }
        };
    }
}
