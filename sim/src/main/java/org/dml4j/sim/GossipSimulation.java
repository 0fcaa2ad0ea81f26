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
 * Churn ({@code [gossip] churn}): peers leave and join without stopping the run. Segmented gossip applies an entry
 * when it falls due, also mid-pull, and re-requests from another peer what a leaver did not send ({@link SegmentedGossip#replacement}); D-PSGD mixes
 * among the present peers with Metropolis–Hastings weights of the induced subgraph ({@link
 * MixingMatrix#amongPresent}) from the first iteration that starts after the entry is due, and a peer that joins
 * pulls its present neighbours' models, takes their average and trains from the next iteration. Every iteration's event log has who was present ({@code "e":"present"}). Metrics: one
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
     * @param churn    peers leaving and joining in virtual time (segmented gossip and dense D-PSGD), possibly empty
     */
    public record Gossip(String mode, MixingMatrix mixing, int segments, int replicas, double epsilon,
                         double consensusStep, ChurnEvent[] churn) {
        /**
         * A rule without churn.
         *
         * @param mode          the mode
         * @param mixing        D-PSGD's mixing matrix
         * @param segments      S
         * @param replicas      R
         * @param epsilon       BACombo's ε
         * @param consensusStep CHOCO's γ
         */
        public Gossip(String mode, MixingMatrix mixing, int segments, int replicas, double epsilon,
                      double consensusStep) {
            this(mode, mixing, segments, replicas, epsilon, consensusStep, new ChurnEvent[0]);
        }

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
            this(mode, mixing, segments, replicas, epsilon, 1.0, new ChurnEvent[0]);
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
            churn = churn == null ? new ChurnEvent[0] : churn.clone();
        }

        /** @return the churn schedule (a copy) */
        @Override
        public ChurnEvent[] churn() {
            return churn.clone();
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
    private final ChurnEvent[] churn;

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
        if (compressed && gossip.churn().length > 0) {
            throw new IllegalArgumentException("[gossip] churn with [compressor] '"
                    + spec.compression().uplinkCompressor().name() + "': CHOCO's public copies of a peer that left"
                    + " cannot be kept current (not modelled); churn needs dense gossip, [compressor] type ="
                    + " identity");
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
            churn = gossip.mixing() != null ? ChurnEvent.check(gossip.churn(), n, 2, "D-PSGD needs (two peers to"
                    + " mix)") : ChurnEvent.check(gossip.churn(), n, gossip.replicas() + 1);
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
        this.x = x;
        present = new boolean[n];
        rejoined = new boolean[n];
        java.util.Arrays.fill(present, true);
        for (int t = 0; t < spec.rounds(); t++) {
            float lr = (float) spec.training().schedule().rate(t);
            startIteration(engine.now(), t, listener);
            MixingMatrix mixing = null;
            if (segments != null) {
                // segmented gossip chooses among the present peers itself
            } else if (choco != null || churn.length == 0) { // CHOCO runs without churn
                mixing = gossip.mixing();
            } else {
                boolean[] active = new boolean[n];
                for (int i = 0; i < n; i++) {
                    active[i] = trains(i);
                }
                mixing = gossip.mixing().amongPresent(active);
            }
            List<CompletableFuture<Reply>> jobs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (!trains(i)) {
                    jobs.add(null);
                    continue;
                }
                Task task = new Task((long) t * n + i, i, t, x[i], false, spec.training().stepsFor(samples[i]), lr,
                        0f, Double.NaN, "client/" + i + "/" + (t + 1));
                jobs.add(workers.submit(peers.get(i), task, null));
            }
            float[][] trained = new float[n][];
            double lossSum = 0;
            long lossWeight = 0;
            int failed = 0;
            for (int i = 0; i < n; i++) {
                trained[i] = x[i].clone();
                if (jobs.get(i) == null) {
                    continue;
                }
                Reply r = WorkerPool.join(jobs.get(i), "the local update of peer " + i);
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
            int clients = n;
            if (segments != null) {
                Pulls p = new Pulls(t, trained, net, engine, choice, bytes, elements, listener);
                p.run();
                clients = p.askers;
                failed += p.leftDuring;
            } else {
                MixingMatrix w = mixing;
                int active = 0;
                for (int j = 0; j < n; j++) {
                    if (!trains(j)) {
                        continue;
                    }
                    active++;
                    int peer = j;
                    double compute = spec.devices() == null ? 0
                            : spec.training().stepsFor(samples[j]) * spec.devices().secondsPerStep(j);
                    engine.schedule(t0 + compute, a -> serve(peer, w, net, engine, bytes, elements, dim, choco), j);
                }
                engine.run();
                clients = active;
            }
            totalBytes += bytes[0];
            for (int i = 0; i < n && choco == null && segments == null; i++) {
                if (trains(i)) {
                    float[] out = new float[dim];
                    mixing.mix(i, trained, out);
                    x[i] = out;
                }
            }
            for (int i = 0; i < n && choco == null && segments == null && churn.length > 0; i++) {
                if (newcomer[i]) { // pulled its present neighbours' models: their average, then it trains
                    x[i] = pulled(i, trained);
                }
            }
            mean = average(x, present);
            double testLoss = Double.NaN;
            double testAcc = Double.NaN;
            if ((t + 1) % spec.evalEvery() == 0 || t + 1 == spec.rounds()) {
                EvalResult ev = workers.evaluate(mean);
                testLoss = ev.loss();
                testAcc = ev.accuracy();
            }
            RoundMetrics m = new RoundMetrics(t + 1, clients, failed, lr, lossWeight == 0 ? Double.NaN
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

    /**
     * A D-PSGD newcomer's model: the plain average of its present neighbours' freshly trained models (a newcomer
     * pulls before it trains, as in spec §4.3's membership rule); with no such neighbour it keeps waiting.
     */
    private float[] pulled(int i, float[][] trained) {
        double[] acc = new double[trained[i].length];
        int k = 0;
        for (int j : gossip.mixing().support(i)) {
            if (j != i && trains(j)) {
                k++;
                for (int e = 0; e < acc.length; e++) {
                    acc[e] += trained[j][e];
                }
            }
        }
        if (k == 0) {
            return x[i];
        }
        rejoined[i] = false;
        float[] out = new float[acc.length];
        for (int e = 0; e < acc.length; e++) {
            out[e] = (float) (acc[e] / k);
        }
        return out;
    }

    /**
     * D-PSGD: peer {@code j}'s local update is done, it sends its model (or CHOCO's message) to its neighbours in
     * this iteration's matrix, and to its neighbours that joined and pull before they train.
     */
    private void serve(int j, MixingMatrix w, FluidNetwork net, EventEngine engine, long[] bytes, long[] elements,
                       int dim, ChocoGossip choco) {
        for (int i : gossip.mixing().support(j)) {
            boolean sends = w.weight(i, j) > 0 || newcomer != null && newcomer[i];
            if (i != j && sends) {
                long values = choco == null ? dim : choco.values(j);
                long size = choco == null ? UpdateCodec.HEADER_BYTES + 4L * dim : choco.wireBytes(j);
                sendBytes(j, i, size, values, net, engine, bytes, elements, a -> { });
            }
        }
    }

    /** Counts a message and starts its transfer; returns the transfer, or {@link FluidNetwork#NO_TRANSFER}. */
    private static long sendBytes(int from, int to, long size, long values, FluidNetwork net, EventEngine engine,
                                  long[] bytes, long[] elements, org.dml4j.sim.engine.EventHandler delivered) {
        bytes[0] += size;
        bytes[2]++;
        elements[0] += values;
        if (net == null) {
            delivered.onEvent(to);
            return FluidNetwork.NO_TRANSFER;
        }
        if (net.topology().crossesWan(from, to)) {
            bytes[1] += size;
        }
        return net.send(from, to, size, delivered, to);
    }

    /** @return the average of the present peers' models */
    private static float[] average(float[][] x, boolean[] present) {
        double[] acc = new double[x[0].length];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!present[i]) {
                continue;
            }
            k++;
            for (int e = 0; e < acc.length; e++) {
                acc[e] += x[i][e];
            }
        }
        float[] out = new float[acc.length];
        for (int e = 0; e < acc.length; e++) {
            out[e] = (float) (acc[e] / k);
        }
        return out;
    }

    // churn: who is there, who came back and has no model yet, the next event of the schedule
    private float[][] x;
    private boolean[] present;
    private boolean[] rejoined;
    private boolean[] newcomer;
    private int nextChurn;
    private long churnTimer = EventEngine.NO_EVENT;

    /** @return whether peer {@code i} trains this iteration (present, and not a newcomer still without a model) */
    private boolean trains(int i) {
        return present[i] && (newcomer == null || !newcomer[i]);
    }

    /** Applies the schedule's events due by {@code now}; marks the newcomers of iteration {@code t}. */
    private void startIteration(double now, int t, RoundListener listener) {
        while (nextChurn < churn.length && churn[nextChurn].at() <= now) {
            apply(churn[nextChurn++], now, t, listener);
        }
        newcomer = new boolean[present.length];
        for (int i = 0; i < present.length; i++) {
            newcomer[i] = present[i] && rejoined[i];
        }
        if (churn.length > 0) {
            StringBuilder sb = new StringBuilder("{\"t\":").append(now).append(",\"e\":\"present\",\"iteration\":")
                    .append(t + 1).append(",\"peers\":[");
            StringBuilder nc = new StringBuilder();
            for (int i = 0, k = 0, m = 0; i < present.length; i++) {
                if (present[i]) {
                    sb.append(k++ > 0 ? "," : "").append(i);
                }
                if (newcomer[i]) {
                    nc.append(m++ > 0 ? "," : "").append(i);
                }
            }
            listener.onEventLog(sb.append("],\"newcomers\":[").append(nc).append("]}").toString());
        }
    }

    /** One schedule entry: leavers go at once; joiners are there from the next iteration, as newcomers. */
    private void apply(ChurnEvent e, double now, int t, RoundListener listener) {
        for (int p : e.leave()) {
            present[p] = false;
            rejoined[p] = false;
            listener.onEventLog("{\"t\":" + now + ",\"e\":\"leave\",\"peer\":" + p + ",\"iteration\":" + (t + 1)
                    + "}");
            listener.onLog(String.format(java.util.Locale.ROOT, "churn: peer %d left at %.3f s (iteration %d)", p,
                    now, t + 1));
        }
        for (int p : e.join()) {
            present[p] = true;
            rejoined[p] = true;
            listener.onEventLog("{\"t\":" + now + ",\"e\":\"join\",\"peer\":" + p + ",\"iteration\":" + (t + 1)
                    + "}");
            listener.onLog(String.format(java.util.Locale.ROOT, "churn: peer %d joined at %.3f s (iteration %d)", p,
                    now, t + 1));
        }
    }

    /**
     * One iteration of segmented gossip: every present peer asks S·R peers for a segment each; a target answers when
     * its local update is done; a peer that leaves has its requests cancelled, and what was asked of it (waiting or
     * in flight) is asked of another peer ({@link SegmentedGossip#replacement}) that is present, has a model and does
     * not serve that segment to the requester yet; a newcomer pulls and aggregates without a model of its own.
     */
    private final class Pulls {
        private static final byte WAITING = 0;
        private static final byte FLYING = 1;
        private static final byte ARRIVED = 2;
        private static final byte DROPPED = 3;
        final int t;
        final float[][] trained;
        final FluidNetwork net;
        final EventEngine engine;
        final List<BandwidthAwareChoice> choice;
        final long[] bytes;
        final long[] elements;
        final RoundListener listener;
        final int n = peers.size();
        final SegmentedGossip g = segments;
        final boolean[] asking = new boolean[n];
        final boolean[] offline = new boolean[n];
        final boolean[] served = new boolean[n];
        final int[][][] targets = new int[n][][];
        final byte[][][] state = new byte[n][][];
        final long[][][] transfer = new long[n][][];
        final double[][][] sentAt = new double[n][][];
        int outstanding;
        int askers;
        int leftDuring;

        Pulls(int t, float[][] trained, FluidNetwork net, EventEngine engine, List<BandwidthAwareChoice> choice,
              long[] bytes, long[] elements, RoundListener listener) {
            this.t = t;
            this.trained = trained;
            this.net = net;
            this.engine = engine;
            this.choice = choice;
            this.bytes = bytes;
            this.elements = elements;
            this.listener = listener;
        }

        void run() {
            double t0 = engine.now();
            boolean anyOffline = false;
            for (int i = 0; i < n; i++) {
                asking[i] = present[i];
                offline[i] = !trains(i);
                anyOffline |= offline[i];
            }
            for (int i = 0; i < n; i++) {
                if (!asking[i]) {
                    continue;
                }
                askers++;
                SplittableRandom rng = seeds.child("gossip").child("peers").child(i).child(t).random();
                boolean[] off = anyOffline ? offline : null;
                targets[i] = choice.isEmpty() ? g.choosePeers(i, off, rng) : choice.get(i).choose(i, off, rng);
                state[i] = new byte[g.segments()][g.replicas()];
                transfer[i] = new long[g.segments()][g.replicas()];
                sentAt[i] = new double[g.segments()][g.replicas()];
                outstanding += g.segments() * g.replicas();
            }
            for (int j = 0; j < n; j++) {
                if (!trains(j)) {
                    continue;
                }
                int peer = j;
                double compute = spec.devices() == null ? 0
                        : spec.training().stepsFor(samples[j]) * spec.devices().secondsPerStep(j);
                outstanding++;
                engine.schedule(t0 + compute, a -> serve(peer), j);
            }
            scheduleChurn();
            while (outstanding > 0) {
                if (!engine.step()) {
                    throw new org.dml4j.core.Dml4jException("gossip iteration " + (t + 1) + ": " + outstanding
                            + " pulls never completed (virtual time " + engine.now() + ")");
                }
            }
            if (churnTimer != EventEngine.NO_EVENT) {
                engine.cancel(churnTimer); // a later iteration applies it at its start
                churnTimer = EventEngine.NO_EVENT;
            }
            engine.run();
            aggregate();
        }

        private void scheduleChurn() {
            churnTimer = nextChurn < churn.length
                    ? engine.schedule(Math.max(churn[nextChurn].at(), engine.now()), a -> churnFired(), 0)
                    : EventEngine.NO_EVENT;
        }

        private void churnFired() {
            churnTimer = EventEngine.NO_EVENT;
            ChurnEvent e = churn[nextChurn++];
            apply(e, engine.now(), t, listener);
            for (int p : e.leave()) {
                left(p);
            }
            for (int p : e.join()) {
                offline[p] = true; // not asked before it has a model
            }
            if (outstanding > 0) {
                scheduleChurn();
            }
        }

        /** Peer {@code j}'s local update is done: it sends what was asked of it. */
        private void serve(int j) {
            outstanding--;
            served[j] = true;
            if (!present[j] || offline[j]) {
                return;
            }
            for (int i = 0; i < n; i++) {
                if (!asking[i]) {
                    continue;
                }
                for (int l = 0; l < g.segments(); l++) {
                    for (int r = 0; r < g.replicas(); r++) {
                        if (targets[i][l][r] == j && state[i][l][r] == WAITING) {
                            send(i, l, r);
                        }
                    }
                }
            }
        }

        private void send(int i, int l, int r) {
            int j = targets[i][l][r];
            state[i][l][r] = FLYING;
            sentAt[i][l][r] = engine.now();
            long size = UpdateCodec.HEADER_BYTES + 4L * g.length(l);
            transfer[i][l][r] = sendBytes(j, i, size, g.length(l), net, engine, bytes, elements,
                    a -> arrived(i, l, r, j, size));
        }

        private void arrived(int i, int l, int r, int from, long size) {
            if (state[i][l][r] != FLYING || targets[i][l][r] != from) {
                return; // cancelled in flight without a network (the transfer could not be stopped)
            }
            state[i][l][r] = ARRIVED;
            outstanding--;
            double took = engine.now() - sentAt[i][l][r];
            if (!choice.isEmpty() && took > 0) {
                choice.get(i).record(from, size / took);
            }
        }

        /** Peer {@code j} left: its own pulls are cancelled, what was asked of it is asked of another peer. */
        private void left(int j) {
            leftDuring++;
            offline[j] = true;
            if (asking[j]) {
                asking[j] = false;
                for (int l = 0; l < g.segments(); l++) {
                    for (int r = 0; r < g.replicas(); r++) {
                        cancel(j, l, r);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (!asking[i]) {
                    continue;
                }
                for (int l = 0; l < g.segments(); l++) {
                    for (int r = 0; r < g.replicas(); r++) {
                        if (targets[i][l][r] != j || state[i][l][r] == ARRIVED || state[i][l][r] == DROPPED) {
                            continue;
                        }
                        if (state[i][l][r] == FLYING && transfer[i][l][r] != FluidNetwork.NO_TRANSFER) {
                            net.cancel(transfer[i][l][r]);
                        }
                        SplittableRandom rng = seeds.child("gossip").child("replace").child(i).child(t).child(l)
                                .child(r).random();
                        int k = g.replacement(i, targets[i][l], offline, rng);
                        listener.onEventLog("{\"t\":" + engine.now() + ",\"e\":\"re-request\",\"peer\":" + i
                                + ",\"segment\":" + l + ",\"left\":" + j + ",\"to\":" + (k < 0 ? "null" : k) + "}");
                        if (k < 0) {
                            state[i][l][r] = DROPPED;
                            targets[i][l][r] = -1;
                            outstanding--;
                        } else {
                            targets[i][l][r] = k;
                            state[i][l][r] = WAITING;
                            if (served[k]) {
                                send(i, l, r);
                            }
                        }
                    }
                }
            }
        }

        private void cancel(int i, int l, int r) {
            if (state[i][l][r] == FLYING && transfer[i][l][r] != FluidNetwork.NO_TRANSFER) {
                net.cancel(transfer[i][l][r]);
            }
            if (state[i][l][r] == WAITING || state[i][l][r] == FLYING) {
                outstanding--;
            }
            state[i][l][r] = DROPPED;
        }

        /** Every peer that asked and stayed aggregates what arrived; a newcomer without its own model. */
        private void aggregate() {
            for (int i = 0; i < n; i++) {
                if (!asking[i]) {
                    continue;
                }
                int[][] from = new int[g.segments()][];
                float[][][] pulled = new float[g.segments()][][];
                boolean empty = false;
                for (int l = 0; l < g.segments(); l++) {
                    int k = 0;
                    for (int r = 0; r < g.replicas(); r++) {
                        k += state[i][l][r] == ARRIVED ? 1 : 0;
                    }
                    from[l] = new int[k];
                    pulled[l] = new float[k][];
                    k = 0;
                    for (int r = 0; r < g.replicas(); r++) {
                        if (state[i][l][r] == ARRIVED) {
                            from[l][k] = targets[i][l][r];
                            pulled[l][k++] = g.segment(trained[targets[i][l][r]], l);
                        }
                    }
                    empty |= k == 0;
                }
                // a newcomer with a segment nobody could serve keeps its old values there (weighted by its data)
                float[] own = newcomer[i] ? (empty ? x[i] : null) : trained[i];
                x[i] = g.aggregate(own, samples[i], from, pulled, samples);
                rejoined[i] = false;
            }
        }
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
