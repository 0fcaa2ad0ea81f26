package org.dml4j.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.Compression;
import org.dml4j.fl.Coordinator;
import org.dml4j.fl.CoordinatorListener;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.Participant;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.hier.EdgeAggregator;
import org.dml4j.model.ParameterLayout;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.topology.Hierarchy;

/**
 * A federated run in one process: the {@link Coordinator} of module {@code fl} with its strategy, over a
 * {@link SimTransport} whose participants are {@link FlClient}s training on this machine's worker threads, on a
 * virtual clock driven by the spec's device model and network.
 *
 * <p>Compression: every client owns an uplink compressor state built from the compressor's configuration on the
 * model's parameter layout (per-layer compressors and PowerSGD see each tensor), created on its first task; a
 * data-aware assignment (DAGC) sets each client's ratio or threshold then. The coordinator's downlink compressor keeps the
 * clients' replica of the model, so what it did not send goes out later (error feedback).
 *
 * <p>Hierarchical runs: with a {@link Hierarchy}, one edge aggregator per edge stands where the clients stood, so
 * the coordinator's strategy runs over the edges (HierFAVG with FedAvg, an asynchronous cloud with FedBuff), its
 * network is the edges' WAN and its byte counts are the WAN's; the clients' LAN and devices are the edges' timing.
 * Each row's {@code wanBytes} counts what crossed a WAN link that round: every edge ↔ cloud transfer of a
 * hierarchical run, the transfers that cross a region's link of a flat one ({@link #hasWan}).
 *
 * <p>Presence: with a device model whose clients go offline and come back ({@code [devices] availability}, e.g. a
 * churn schedule), the event log gets {@code "e":"present"} with the clients online at each row where that set
 * changed; the coordinator's {@code lost} events name who was cut off mid-task.
 *
 * <p>Determinism: every random choice derives from the seed through {@link SeedTree} paths that name the version,
 * the client and the purpose, never the worker, and events reach the coordinator in virtual-time order, so the
 * metrics and the event log are identical for any thread count.
 *
 * <p>Not thread-safe; call {@link #run} once, then {@link #close}.
 */
public final class FederatedSimulation implements Simulation {
    private final SimulationSpec spec;
    private final Workers workers;
    private final List<FlClient> clients = new ArrayList<>();
    private final UpdateLayout layout;
    private final double[] uplinkLevels;
    private final ClientPool pool;
    private final List<? extends Participant> participants;
    private final NetworkTopology network;
    private final DeviceModel devices;
    private final boolean hierarchical;
    private final GradientCompressor uplinkCompressor;
    private final org.dml4j.sim.topology.Regrouping regrouping;
    private org.dml4j.core.Snapshot resumeFrom;

    /**
     * Creates the workers' models and the clients' compressor states.
     *
     * @param spec the resolved simulation
     */
    public FederatedSimulation(SimulationSpec spec) {
        this(spec, null);
    }

    /**
     * Creates the workers' models, the clients' compressor states and, for a hierarchical run, the edges.
     *
     * @param spec      the resolved simulation; for a hierarchical run without a network of its own (the
     *                  hierarchy's timing holds the clients' links)
     * @param hierarchy the edge tier, or null for a flat run
     */
    public FederatedSimulation(SimulationSpec spec, Hierarchy hierarchy) {
        this(spec, hierarchy, new WorkerPool(spec.threads(), spec.models(), spec.test()));
    }

    /**
     * Creates the clients' compressor states and, for a hierarchical run, the edges, over the given workers (another
     * engine's, e.g. Spark executors): the event engine, the virtual clock and the coordinator stay here.
     *
     * @param spec      the resolved simulation
     * @param hierarchy the edge tier, or null for a flat run
     * @param workers   where the participants train and the global model is evaluated; closed by {@link #close}
     *                  (and when this constructor fails)
     */
    public FederatedSimulation(SimulationSpec spec, Hierarchy hierarchy, Workers workers) {
        this.spec = spec;
        this.hierarchical = hierarchy != null;
        this.regrouping = hierarchy == null ? null : hierarchy.regrouping();
        if (hierarchy != null && spec.network() != null) {
            workers.close();
            throw new IllegalArgumentException("a hierarchical run takes its links from its topology, not a network");
        }
        SeedTree seeds = SeedTree.root(spec.seed());
        this.workers = java.util.Objects.requireNonNull(workers, "workers");
        try {
            this.layout = updateLayout(workers.layout());
            int[] sizes = new int[spec.clientData().size()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = spec.clientData().get(i).size();
            }
            Compression compression = spec.compression();
            GradientCompressor uplink = compression.uplinkCompressor();
            boolean exchanges = uplink.newState(layout, new SplittableRandom(0)).exchange() != null;
            if (exchanges && hierarchy != null) {
                throw new IllegalArgumentException("the uplink compressor '" + uplink.name() + "' needs a round"
                        + " exchange (terngrad shared-scaler, powersgd shared-q), which hierarchical runs do not make"
                        + " yet (the edges run their clients' tasks whole)");
            }
            if (exchanges && !(workers instanceof WorkerPool)) {
                throw new IllegalArgumentException("the uplink compressor '" + uplink.name() + "' needs a round"
                        + " exchange (terngrad shared-scaler, powersgd shared-q), which only the in-process engine"
                        + " makes, not " + workers.getClass().getSimpleName());
            }
            double[] levels = compression.dataAware().levels(sizes, compression.meanLevel());
            if (levels != null) { // a compressor without that level fails here, before any training
                compression.dataAware().apply(uplink.newState(layout, new SplittableRandom(0)), levels[0],
                        uplink.name());
            }
            for (int i = 0; i < sizes.length; i++) {
                clients.add(new FlClient(i, spec.clientData().get(i),
                        uplinkState(uplink, layout, seeds, i, compression, levels), spec.training(), seeds,
                        compression.dataAware().absolute()));
            }
            this.uplinkLevels = levels;
            this.uplinkCompressor = uplink;
            if (hierarchy == null) {
                this.participants = clients;
                this.pool = ClientPool.ofSizes(sizes);
                this.network = spec.network();
                this.devices = spec.devices();
            } else {
                var edges = hierarchy.build(clients, layout, workers.initialParams(), seeds);
                this.participants = edges;
                this.pool = ClientPool.ofSizes(edges.stream().mapToInt(Participant::numSamples).toArray());
                this.network = hierarchy.network();
                this.devices = null;
            }
        } catch (RuntimeException e) {
            workers.close();
            throw e;
        }
    }

    /**
     * How client {@code id}'s uplink compressor state is made on its first task: every engine makes it this way, so
     * that a client trained elsewhere (a cluster executor) compresses exactly as in process.
     *
     * @param uplink      the uplink compressor
     * @param layout      the update layout
     * @param seeds       the run's root seed
     * @param id          the client
     * @param compression the run's compression (its data-aware assignment)
     * @param levels      the per-client levels of a data-aware assignment, or null
     * @return the state's factory
     */
    public static Supplier<CompressorState> uplinkState(GradientCompressor uplink, UpdateLayout layout,
                                                        SeedTree seeds, int id, Compression compression,
                                                        double[] levels) {
        return () -> {
            CompressorState st = uplink.newState(layout, seeds.child("compressor").child(id).random());
            if (levels != null) {
                compression.dataAware().apply(st, levels[id], uplink.name());
            }
            return st;
        };
    }

    /** @return the model's tensors (names and shapes) over the flat parameter vector */
    public ParameterLayout parameterLayout() {
        return workers.layout();
    }

    /**
     * Each parameter tensor of the model is one layer for per-layer compressors and PowerSGD.
     *
     * @param params the model's tensors
     * @return the update layout over them
     */
    public static UpdateLayout updateLayout(ParameterLayout params) {
        int[][] shapes = new int[params.entries().size()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = params.entries().get(i).shape();
        }
        return new UpdateLayout(shapes);
    }

    /**
     * @return the per-client ratios or thresholds of a data-aware assignment, in client order (a copy), or
     *     {@code null} when every client uses the compressor's own level
     */
    public double[] uplinkLevels() {
        return uplinkLevels == null ? null : uplinkLevels.clone();
    }

    /** @return the coordinator's pool: the clients' sizes, or the edges' for a hierarchical run */
    public ClientPool pool() {
        return pool;
    }

    /**
     * Runs the strategy to the last version.
     *
     * @param listener receives each version's metrics as it is made, log lines and the event log
     * @return all metrics, the final parameters and the run's counts
     * @throws org.dml4j.fl.StallException when the run cannot go on (names the virtual time and who was waited on)
     */
    public SimulationResult run(RoundListener listener) {
        Coordinator.Settings settings = new Coordinator.Settings(spec.seed(), spec.rounds(), spec.evalEvery(), pool,
                spec.training(), workers.initialParams(), spec.compression().downlinkCompressor(), layout);
        SimTransport transport = new SimTransport(participants, workers, network, devices, hierarchical);
        List<RoundTiming> timings = new ArrayList<>();
        List<RoundMetrics> rows = new ArrayList<>();
        Coordinator[] coordinator = {null};
        long[] lastWan = {0}; // the transport's WAN bytes at the last row
        double elapsedBefore = 0;
        if (resumeFrom != null) {
            org.dml4j.core.Snapshot sim = resumeFrom.under("simulation");
            rows.addAll(Coordinator.readRows(sim.under("rows")));
            timings.addAll(readTimings(sim, workers.threads()));
            lastWan[0] = sim.getLong("last-wan");
            elapsedBefore = timings.isEmpty() ? 0 : timings.getLast().elapsedSeconds();
        }
        double elapsed0 = elapsedBefore;
        long start = System.nanoTime();
        CoordinatorListener sink = new CoordinatorListener() {
            private long last = start;
            private long lastTrain;
            private long lastEval;

            private boolean[] online = onlineAt(rows); // at the last row, for "present" events (null: everybody)

            @Override
            public void onRow(RoundMetrics row) {
                if (devices != null) {
                    online = reportPresence(row, online, listener);
                }
                long wan = transport.wanBytes();
                RoundMetrics m = row.withWanBytes(wan - lastWan[0]);
                lastWan[0] = wan;
                long t = System.nanoTime();
                long train = workers.trainNanos();
                long eval = workers.evalNanos();
                RoundTiming timing = new RoundTiming(m.round(), (t - last) / 1e9, (train - lastTrain) / 1e9,
                        (eval - lastEval) / 1e9, elapsed0 + (t - start) / 1e9, workers.threads());
                last = t;
                lastTrain = train;
                lastEval = eval;
                timings.add(timing);
                rows.add(m);
                listener.onRound(m, timing);
                if (m.round() < spec.rounds() && listener.checkpointDue(m.round())) {
                    transport.checkpointAtEndOfInstant(() -> listener.onCheckpoint(
                            checkpoint(coordinator[0], transport, rows, timings, lastWan[0])));
                }
            }

            @Override
            public void onClientRound(org.dml4j.fl.ClientRound outcome) {
                listener.onClientRound(outcome);
            }

            @Override
            public void onLog(String line) {
                listener.onLog(line);
            }

            @Override
            public void onEventLog(String jsonLine) {
                listener.onEventLog(jsonLine);
            }
        };
        if (regrouping != null) {
            transport.onDispatch((task, now) -> {
                regrouping.measureAt(now);
                for (org.dml4j.sim.topology.Regrouping.Change c : regrouping.drain()) {
                    reportRegrouping(c, task.version(), listener);
                }
            });
        }
        coordinator[0] = new Coordinator(settings, spec.strategy(), transport, workers, sink);
        if (resumeFrom != null) {
            org.dml4j.core.Snapshot c = resumeFrom.under("clients");
            if (c.getLong("count") != clients.size()) {
                throw new IllegalArgumentException("the checkpoint has " + c.getLong("count") + " clients, the run "
                        + clients.size());
            }
            for (FlClient client : clients) {
                client.restore(c.under(Integer.toString(client.id())));
            }
            coordinator[0].restore(resumeFrom.under("coordinator"));
            transport.restore(resumeFrom.under("transport"));
        }
        coordinator[0].run();
        for (Participant p : participants) {
            if (p instanceof EdgeAggregator e) {
                listener.onLog(String.format(java.util.Locale.ROOT, "edge %d (%d clients): LAN %.1f MB down, %.1f MB"
                        + " up", e.id(), e.clientIds().length, e.lanBytesDown() / 1e6, e.lanBytesUp() / 1e6));
            }
        }
        return new SimulationResult(rows, timings, coordinator[0].globalModel(), coordinator[0].stats(),
                transport.ownSeconds());
    }

    /** @return who was online at the last of the rows (a resumed run's), or null when there is none */
    private boolean[] onlineAt(List<RoundMetrics> rows) {
        if (devices == null || rows.isEmpty()) {
            return null;
        }
        boolean[] on = new boolean[clients.size()];
        for (int c = 0; c < on.length; c++) {
            on[c] = devices.isOnline(c, rows.getLast().simSeconds());
        }
        return on;
    }

    /**
     * Who is online at a row's virtual time ({@code [devices] availability}: windows, a periodic cycle or a churn
     * schedule): when it differs from the last row's (everybody, before the first), one event
     * {@code "e":"present"} with the clients online then, and a log line naming who left and who came back.
     *
     * @return the clients online now
     */
    private boolean[] reportPresence(RoundMetrics row, boolean[] before, RoundListener listener) {
        int n = clients.size();
        double t = row.simSeconds();
        boolean[] now = new boolean[n];
        boolean changed = false;
        for (int c = 0; c < n; c++) {
            now[c] = devices.isOnline(c, t);
            changed |= now[c] != (before == null || before[c]);
        }
        if (!changed) {
            return now;
        }
        StringBuilder json = new StringBuilder("{\"t\":").append(t).append(",\"e\":\"present\",\"version\":")
                .append(row.round()).append(",\"clients\":[");
        StringBuilder left = new StringBuilder();
        StringBuilder back = new StringBuilder();
        for (int c = 0, k = 0; c < n; c++) {
            if (now[c]) {
                json.append(k++ > 0 ? "," : "").append(c);
            }
            boolean was = before == null || before[c];
            if (was && !now[c]) {
                left.append(' ').append(c);
            } else if (!was && now[c]) {
                back.append(' ').append(c);
            }
        }
        listener.onEventLog(json.append("]}").toString());
        listener.onLog(String.format(java.util.Locale.ROOT, "present at %.3f s (version %d): offline since the last"
                + " row:%s; back:%s", t, row.round(), left.isEmpty() ? " none" : left, back.isEmpty() ? " none"
                : back));
        return now;
    }

    /**
     * Writes one regrouping to the event log ({@code "e":"regroup"}, with every client that moved) and the log.
     */
    private static void reportRegrouping(org.dml4j.sim.topology.Regrouping.Change c, int version,
                                         RoundListener listener) {
        int[] before = c.before();
        int[] after = c.after();
        StringBuilder json = new StringBuilder("{\"t\":").append(c.at()).append(",\"e\":\"regroup\",\"version\":")
                .append(version).append(",\"moved\":[");
        StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT,
                "regrouped at %.3f s (cloud version %d, links changed; probes re-sent):", c.at(), version));
        boolean first = true;
        for (int i = 0; i < after.length; i++) {
            if (before[i] != after[i]) {
                json.append(first ? "" : ",").append("{\"client\":").append(i).append(",\"from\":")
                        .append(before[i]).append(",\"to\":").append(after[i]).append('}');
                line.append(" client ").append(i).append(" edge ").append(before[i]).append(" -> ")
                        .append(after[i]).append(';');
                first = false;
            }
        }
        json.append("],\"edge_of\":").append(java.util.Arrays.toString(after).replace(" ", "")).append('}');
        listener.onEventLog(json.toString());
        listener.onLog(line.toString());
    }

    /**
     * Checkpoints need every part to be saved: the strategy, the compressors (uplink and downlink) and the transport
     * (no network transfers in flight, no edge aggregators).
     */
    @Override
    public String checkpointUnsupported() {
        String why = SimTransport.checkpointUnsupported(network != null, participants);
        if (why == null) {
            why = org.dml4j.fl.Coordinator.checkpointUnsupported(spec.strategy());
        }
        try {
            if (why == null && uplinkCompressor.newState(layout, new SplittableRandom(0)).exchange() != null) {
                why = "the uplink compressor '" + uplinkCompressor.name() + "' makes round exchanges, and its tasks"
                        + " in flight between phases are not saved";
            }
            if (why == null) {
                uplinkCompressor.newState(layout, new SplittableRandom(0)).save(new org.dml4j.core.Snapshot());
                GradientCompressor down = spec.compression().downlinkCompressor();
                if (down != null) {
                    new org.dml4j.compress.DownlinkCompressor(down, layout, new float[layout.dim()],
                            new SplittableRandom(0)).save(new org.dml4j.core.Snapshot());
                }
            }
        } catch (UnsupportedOperationException e) {
            why = "the compressor cannot be checkpointed: " + e.getMessage();
        }
        return why;
    }

    @Override
    public void resumeFrom(org.dml4j.core.Snapshot checkpoint) {
        String why = checkpointUnsupported();
        if (why != null) {
            throw new UnsupportedOperationException(why);
        }
        if (resumeFrom != null) {
            throw new IllegalStateException("resumeFrom was called already");
        }
        resumeFrom = java.util.Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** Saves the run at the end of an instant: the transport first (it waits for the trainings in flight). */
    private org.dml4j.core.Snapshot checkpoint(Coordinator coordinator, SimTransport transport,
                                               List<RoundMetrics> rows, List<RoundTiming> timings, long lastWan) {
        org.dml4j.core.Snapshot s = new org.dml4j.core.Snapshot();
        transport.save(s.under("transport"));
        coordinator.save(s.under("coordinator"));
        org.dml4j.core.Snapshot c = s.under("clients");
        c.putLong("count", clients.size());
        for (FlClient client : clients) {
            client.save(c.under(Integer.toString(client.id())));
        }
        org.dml4j.core.Snapshot sim = s.under("simulation");
        Coordinator.saveRows(sim.under("rows"), rows);
        sim.putLong("last-wan", lastWan);
        double[][] t = new double[4][timings.size()];
        for (int i = 0; i < timings.size(); i++) {
            t[0][i] = timings.get(i).wallSeconds();
            t[1][i] = timings.get(i).trainSeconds();
            t[2][i] = timings.get(i).evalSeconds();
            t[3][i] = timings.get(i).elapsedSeconds();
        }
        sim.putDoubles("timing-wall", t[0]).putDoubles("timing-train", t[1]).putDoubles("timing-eval", t[2])
                .putDoubles("timing-elapsed", t[3]);
        return s;
    }

    private static List<RoundTiming> readTimings(org.dml4j.core.Snapshot sim, int threads) {
        double[] w = sim.getDoubles("timing-wall");
        double[] tr = sim.getDoubles("timing-train");
        double[] ev = sim.getDoubles("timing-eval");
        double[] el = sim.getDoubles("timing-elapsed");
        List<RoundTiming> out = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            out.add(new RoundTiming(i + 1, w[i], tr[i], ev[i], el[i], threads));
        }
        return out;
    }

    /**
     * @param network      the run's links, or null
     * @param hierarchical whether edges talk to the cloud
     * @return whether the run has a WAN (edges and a cloud, or regions), so that its metrics get a WAN column
     */
    public static boolean hasWan(NetworkTopology network, boolean hierarchical) {
        return hierarchical || network != null && network.regions() > 0;
    }

    @Override
    public void close() {
        workers.close();
    }
}
