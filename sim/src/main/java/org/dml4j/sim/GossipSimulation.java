package org.dml4j.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.Reply;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Task;
import org.dml4j.fl.gossip.BandwidthAwareChoice;
import org.dml4j.fl.gossip.ChocoGossip;
import org.dml4j.fl.gossip.MixingMatrix;
import org.dml4j.fl.gossip.SegmentedGossip;
import org.dml4j.model.EvalResult;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * Decentralized training in virtual time: peers and no coordinator. Iterations are logically synchronous (spec
 * §4.3): every peer trains {@code stepsFor(n_i)} local steps from its own model (its device's seconds per step), then
 * exchanges over the {@link FluidNetwork} peer to peer, and the iteration ends when the last transfer has arrived:
 * <ul>
 *   <li>D-PSGD (Lian et al., NeurIPS 2017): each peer sends its whole model to each neighbour of the gossip graph and
 *       mixes {@code x_i ← Σ_j W_ij x_j} ({@link MixingMatrix});</li>
 *   <li>Combo (Hu, Jiang, Wang, FML'19): each peer asks, at the start of the iteration, S·R peers for one segment each
 *       ({@link SegmentedGossip#choosePeers}); a target answers when its own local update is done; the requester
 *       aggregates per segment weighted by data size;</li>
 *   <li>compressed D-PSGD with a compressor of the SPI: CHOCO-SGD's gossip step ({@link ChocoGossip}, Koloskova et
 *       al., ICML 2019): each peer sends its neighbours {@code Q(x_i − x̂_i)} and moves γ towards their public copies;</li>
 *   <li>BACombo: the same with ε-greedy choice by predicted bandwidth ({@link BandwidthAwareChoice}), every transfer
 *       measured as {@code bytes / seconds} from its start to its arrival.</li>
 * </ul>
 * A barrier between iterations is our simplification (the paper's workers wait only for their own segments).
 * Churn and re-requests are not simulated here (the rules are in {@link SegmentedGossip#replacement}). Metrics: one
 * row per iteration, the test metrics of the average of the peers' models, every transfer's bytes in
 * {@code bytes_up} (peer-to-peer traffic has no downlink), those that crossed a region's link in {@code wan_bytes},
 * {@code sim_seconds} at the iteration's end.
 *
 * <p>Determinism: training runs on worker threads but is joined in peer order; every draw comes from
 * {@code gossip/<purpose>/<peer>/<iteration>} seed paths, so the numbers are the same for any thread count.
 * Not thread-safe; call {@link #run} once, then {@link #close}.
 */
public final class GossipSimulation implements Simulation {
    /**
     * What the peers do.
     *
     * @param mode     {@code "dpsgd"}, {@code "combo"} or {@code "bacombo"}
     * @param mixing   D-PSGD's mixing matrix (null otherwise)
     * @param segments S for Combo and BACombo, in [1, model size]
     * @param replicas R for Combo and BACombo, in [1, peers − 1]
     * @param epsilon  BACombo's exploration probability
     * @param consensusStep CHOCO's γ for compressed D-PSGD, in (0, 1]
     */
    public record Gossip(String mode, MixingMatrix mixing, int segments, int replicas, double epsilon,
                         double consensusStep) {
        /**
         * A rule with CHOCO's γ = 1 (unused unless the run compresses).
         *
         * @param mode     the mode
         * @param mixing   D-PSGD's mixing matrix
         * @param segments S
         * @param replicas R
         * @param epsilon  BACombo's ε
         */
        public Gossip(String mode, MixingMatrix mixing, int segments, int replicas, double epsilon) {
            this(mode, mixing, segments, replicas, epsilon, 1.0);
        }

        /** Validates the fields. */
        public Gossip {
            switch (Objects.requireNonNull(mode, "mode")) {
                case "dpsgd" -> Objects.requireNonNull(mixing, "dpsgd needs a mixing matrix");
                case "combo", "bacombo" -> {
                }
                default -> throw new IllegalArgumentException("gossip mode must be dpsgd, combo or bacombo, got '"
                        + mode + "'");
            }
            if (!(consensusStep > 0 && consensusStep <= 1)) {
                throw new IllegalArgumentException("consensus-step (gamma) must be in (0, 1], got " + consensusStep);
            }
        }
    }

    private final SimulationSpec spec;
    private final Gossip gossip;
    private final WorkerPool workers;
    private final List<FlClient> peers = new ArrayList<>();
    private final int[] samples;
    private final SeedTree seeds;
    private final SegmentedGossip segments;
    private final boolean compressed;

    /**
     * @param spec   the run (its strategy is not used; its network's clients are the peers; its compressor, when it
     *               is not the identity, compresses D-PSGD's messages with CHOCO's error feedback)
     * @param gossip the peers' rule
     * @throws IllegalArgumentException for a compressor with segmented gossip, or one with its own error feedback
     */
    public GossipSimulation(SimulationSpec spec, Gossip gossip) {
        this.spec = spec;
        this.gossip = Objects.requireNonNull(gossip, "gossip");
        compressed = !(spec.compression().uplinkCompressor() instanceof IdentityCompressor);
        if (compressed && gossip.mixing() == null) {
            throw new IllegalArgumentException("[compressor] '" + spec.compression().uplinkCompressor().name()
                    + "': compressed gossip is CHOCO-SGD over D-PSGD's graph, so [gossip] mode must be dpsgd, got '"
                    + gossip.mode() + "' (segmented gossip sends dense segments: use [compressor] type = identity)");
        }
        if (compressed && spec.compression().uplinkCompressor() instanceof org.dml4j.compress.ErrorFeedback) {
            throw new IllegalArgumentException("CHOCO gossip keeps its own error feedback (the public copies):"
                    + " [compressor] error-feedback must be false, got true for '"
                    + spec.compression().uplinkCompressor().name() + "'");
        }
        int n = spec.clientData().size();
        if (gossip.mixing() != null && gossip.mixing().size() != n) {
            throw new IllegalArgumentException("the gossip graph has " + gossip.mixing().size() + " peers, the run "
                    + n);
        }
        seeds = SeedTree.root(spec.seed());
        workers = new WorkerPool(spec.threads(), spec.models(), spec.test());
        samples = new int[n];
        UpdateLayout layout = new UpdateLayout(new int[][] {{workers.anyModel().numParams()}});
        for (int i = 0; i < n; i++) {
            samples[i] = spec.clientData().get(i).size();
            SplittableRandom rng = seeds.child("compressor").child(i).random();
            peers.add(new FlClient(i, spec.clientData().get(i), () -> new IdentityCompressor().newState(layout, rng),
                    spec.training(), seeds, false));
        }
        try {
            segments = gossip.mixing() != null ? null
                    : new SegmentedGossip(n, gossip.segments(), gossip.replicas(), layout.dim());
        } catch (IllegalArgumentException e) {
            workers.close();
            throw e;
        }
    }

    /**
     * @param listener receives each iteration's metrics
     * @return the metrics and the average of the peers' final models (no per-participant counts: null; the
     *     simulator's own seconds are not measured: NaN)
     */
    public SimulationResult run(RoundListener listener) {
        int n = peers.size();
        float[] init = workers.initialParams();
        int dim = init.length;
        float[][] x = new float[n][];
        for (int i = 0; i < n; i++) {
            x[i] = init.clone();
        }
        EventEngine engine = new EventEngine();
        FluidNetwork net = spec.network() == null ? null : new FluidNetwork(engine, spec.network());
        ChocoGossip choco = compressed ? new ChocoGossip(gossip.mixing(), gossip.consensusStep(),
                spec.compression().uplinkCompressor(), new UpdateLayout(new int[][] {{dim}}), init, seeds) : null;
        List<BandwidthAwareChoice> choice = new ArrayList<>();
        if (gossip.mode().equals("bacombo")) {
            for (int i = 0; i < n; i++) {
                choice.add(new BandwidthAwareChoice(segments, gossip.epsilon()));
            }
        }
        List<RoundMetrics> rows = new ArrayList<>();
        List<RoundTiming> timings = new ArrayList<>();
        long totalBytes = 0;
        long start = System.nanoTime();
        long last = start;
        float[] mean = init.clone();
        for (int t = 0; t < spec.rounds(); t++) {
            float lr = (float) spec.training().schedule().rate(t);
            List<CompletableFuture<Reply>> jobs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Task task = new Task((long) t * n + i, i, t, x[i], false, spec.training().stepsFor(samples[i]), lr,
                        0f, Double.NaN, "client/" + i + "/" + (t + 1));
                jobs.add(workers.submit(peers.get(i), task, null));
            }
            float[][] trained = new float[n][];
            double lossSum = 0;
            long lossWeight = 0;
            int failed = 0;
            for (int i = 0; i < n; i++) {
                Reply r = WorkerPool.join(jobs.get(i), "the local update of peer " + i);
                trained[i] = x[i].clone();
                if (r instanceof Reply.Ok ok) {
                    ok.update().addTo(trained[i], 1f);
                    lossSum += ok.trainLoss() * samples[i];
                    lossWeight += samples[i];
                } else {
                    failed++; // a failed local update keeps the peer's model
                }
            }
            if (choco != null) { // the gossip step's math comes first: its messages' sizes are the transfers'
                for (int i = 0; i < n; i++) {
                    x[i] = trained[i].clone();
                }
                choco.step(x, t);
            }
            double t0 = engine.now();
            long[] bytes = {0, 0, 0}; // all, WAN, messages
            long[] elements = {0};
            int[][][] targets = new int[n][][];
            if (segments != null) {
                for (int i = 0; i < n; i++) {
                    SplittableRandom rng = seeds.child("gossip").child("peers").child(i).child(t).random();
                    targets[i] = choice.isEmpty() ? segments.choosePeers(i, null, rng)
                            : choice.get(i).choose(i, null, rng);
                }
            }
            for (int j = 0; j < n; j++) {
                int peer = j;
                double compute = spec.devices() == null ? 0
                        : spec.training().stepsFor(samples[j]) * spec.devices().secondsPerStep(j);
                engine.schedule(t0 + compute, a -> serve(peer, targets, net, engine, choice, bytes, elements, dim,
                        choco), j);
            }
            engine.run();
            totalBytes += bytes[0];
            for (int i = 0; i < n && choco == null; i++) {
                if (gossip.mixing() != null) {
                    float[] out = new float[dim];
                    gossip.mixing().mix(i, trained, out);
                    x[i] = out;
                } else {
                    SegmentedGossip g = segments;
                    float[][][] pulled = new float[g.segments()][g.replicas()][];
                    for (int l = 0; l < g.segments(); l++) {
                        for (int r = 0; r < g.replicas(); r++) {
                            pulled[l][r] = g.segment(trained[targets[i][l][r]], l);
                        }
                    }
                    x[i] = g.aggregate(trained[i], samples[i], targets[i], pulled, samples);
                }
            }
            mean = average(x);
            double testLoss = Double.NaN;
            double testAcc = Double.NaN;
            if ((t + 1) % spec.evalEvery() == 0 || t + 1 == spec.rounds()) {
                EvalResult ev = workers.evaluate(mean);
                testLoss = ev.loss();
                testAcc = ev.accuracy();
            }
            RoundMetrics m = new RoundMetrics(t + 1, n, failed, lr, lossWeight == 0 ? Double.NaN
                    : lossSum / lossWeight, testLoss, testAcc, elements[0], bytes[0],
                    elements[0] == 0 ? Double.NaN : choco == null ? 1.0 : (double) elements[0] / (bytes[2] * dim), 0, 0,
                    Double.NaN, totalBytes, 0, engine.now(), bytes[1]);
            long now = System.nanoTime();
            RoundTiming timing = new RoundTiming(t + 1, (now - last) / 1e9, 0, 0, (now - start) / 1e9,
                    workers.threads());
            last = now;
            rows.add(m);
            timings.add(timing);
            listener.onRound(m, timing);
        }
        return new SimulationResult(rows, timings, mean, null, Double.NaN);
    }

    /** Peer {@code j}'s local update is done: it sends what was asked of it. */
    private void serve(int j, int[][][] targets, FluidNetwork net, EventEngine engine,
                       List<BandwidthAwareChoice> choice, long[] bytes, long[] elements, int dim, ChocoGossip choco) {
        int n = peers.size();
        if (gossip.mixing() != null) {
            for (int i : gossip.mixing().support(j)) {
                if (i != j) {
                    if (choco == null) {
                        send(j, i, dim, net, engine, null, bytes, elements);
                    } else {
                        sendBytes(j, i, choco.wireBytes(j), choco.values(j), net, engine, null, bytes, elements);
                    }
                }
            }
            return;
        }
        SegmentedGossip g = segments;
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < g.segments(); l++) {
                for (int r = 0; r < g.replicas(); r++) {
                    if (targets[i][l][r] == j) {
                        send(j, i, g.length(l), net, engine, choice.isEmpty() ? null : choice.get(i), bytes,
                                elements);
                    }
                }
            }
        }
    }

    private static void send(int from, int to, int values, FluidNetwork net, EventEngine engine,
                             BandwidthAwareChoice measure, long[] bytes, long[] elements) {
        sendBytes(from, to, UpdateCodec.HEADER_BYTES + 4L * values, values, net, engine, measure, bytes, elements);
    }

    private static void sendBytes(int from, int to, long size, long values, FluidNetwork net, EventEngine engine,
                                  BandwidthAwareChoice measure, long[] bytes, long[] elements) {
        bytes[0] += size;
        bytes[2]++;
        elements[0] += values;
        if (net == null) {
            return;
        }
        if (net.topology().crossesWan(from, to)) {
            bytes[1] += size;
        }
        double sent = engine.now();
        net.send(from, to, size, a -> {
            if (measure != null && engine.now() > sent) {
                measure.record(from, size / (engine.now() - sent));
            }
        }, to);
    }

    private static float[] average(float[][] x) {
        double[] acc = new double[x[0].length];
        for (float[] v : x) {
            for (int e = 0; e < acc.length; e++) {
                acc[e] += v[e];
            }
        }
        float[] out = new float[acc.length];
        for (int e = 0; e < acc.length; e++) {
            out[e] = (float) (acc[e] / x.length);
        }
        return out;
    }

    @Override
    public ClientPool pool() {
        return ClientPool.ofSizes(samples);
    }

    @Override
    public org.dml4j.model.ParameterLayout parameterLayout() {
        return workers.anyModel().layout();
    }

    @Override
    public double[] uplinkLevels() {
        return null;
    }

    /**
     * @param network a network of peers
     * @param mbps    a cap on every pair's transfers (Combo's 10 Mb/s per worker pair), Mb/s, &gt; 0
     * @return the network with that cap on every directed pair of peers
     */
    public static NetworkTopology withPairCap(NetworkTopology network, double mbps) {
        if (!(mbps > 0) || mbps == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("pair-mbps must be finite and > 0, got " + mbps);
        }
        NetworkTopology.LinkOverride cap = new NetworkTopology.LinkOverride(
                org.dml4j.sim.network.BandwidthProfile.constant(org.dml4j.sim.network.BandwidthProfile.mbps(mbps)),
                Double.NaN);
        return new NetworkTopology() {
            @Override
            public int clients() {
                return network.clients();
            }

            @Override
            public org.dml4j.sim.network.BandwidthProfile uplink(int node) {
                return network.uplink(node);
            }

            @Override
            public org.dml4j.sim.network.BandwidthProfile downlink(int node) {
                return network.downlink(node);
            }

            @Override
            public double latency(int node) {
                return network.latency(node);
            }

            @Override
            public int regions() {
                return network.regions();
            }

            @Override
            public int regionOf(int node) {
                return network.regionOf(node);
            }

            @Override
            public org.dml4j.sim.network.BandwidthProfile regionUplink(int region) {
                return network.regionUplink(region);
            }

            @Override
            public org.dml4j.sim.network.BandwidthProfile regionDownlink(int region) {
                return network.regionDownlink(region);
            }

            @Override
            public double regionLatency(int region) {
                return network.regionLatency(region);
            }

            @Override
            public LinkOverride link(int from, int to) {
                LinkOverride own = network.link(from, to);
                return own != null || from == SERVER || to == SERVER ? own : cap;
            }
        };
    }

    @Override
    public void close() {
        workers.close();
    }
}
