package org.dml4j.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.Dml4jException;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.Reply;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Task;
import org.dml4j.fl.xregion.DataParallelWorker;
import org.dml4j.fl.xregion.DecoController;
import org.dml4j.fl.xregion.OuterOptimizer;
import org.dml4j.model.EvalResult;
import org.dml4j.model.ParameterLayout;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * Cross-region data parallelism in virtual time, on the simulator's event engine and fluid network: workers instead
 * of clients, one shared model, and a hierarchical all-reduce at every sync. Algorithms ({@link CrossRegionConfig}):
 * <ul>
 *   <li>synchronous data parallelism (D-SGD): one step per sync, the averaged step applied with heavy-ball momentum;</li>
 *   <li>Local SGD (Stich, ICLR 2019; Lin et al., "Don't Use Large Mini-Batches, Use Local SGD", ICLR 2020): H local
 *       SGD steps per worker, then the models averaged;</li>
 *   <li>DiLoCo (Douillard et al., arXiv 2311.08105, 2023): H inner AdamW steps per worker, each worker keeping its
 *       AdamW state across syncs, then Nesterov momentum on the averaged delta; the delta that crosses the WAN may be
 *       compressed with any compressor of the SPI ({@code [compressor]}, with its error feedback);</li>
 *   <li>DeCo-SGD (Lu et al., arXiv 2507.17346, 2025), <b>reconstructed</b>: one step per sync; the region's averaged
 *       step is compressed with error feedback at ratio δ and the aggregate of step t is applied at the end of step
 *       t + τ, so τ steps of compute hide one exchange (DD-EF-SGD). Before training the leaders probe the WAN (a
 *       64-byte message, then {@code probe-bytes}, between every pair at once) for its latency and bandwidth; every
 *       {@code adapt-every} steps {@link DecoController} re-chooses (τ, δ) from the latency, the bandwidth measured on
 *       the last exchange's WAN transfers and the compute time of a step. The controller's formulas are ours: the
 *       paper's were not available (spec §5).</li>
 * </ul>
 *
 * <p>One sync: each worker trains from the shared parameters (its device's seconds per step times its steps), then
 * sends its dense delta to its region's leader (the region's lowest worker id, or with {@code placement =
 * "measured"} the worker whose probed sync communication is shortest) over the LAN; the leader averages its
 * region's deltas weighted by data size, compresses the average with the region's compressor state and sends it to
 * every other region's leader over the WAN; when a leader has every region's message it sends the global average
 * (dense) to its workers. Every region applies the same average with the same outer optimiser, so the shared
 * parameters are one array. A sync starts when the aggregates it needs have reached every worker (for τ = 0: the
 * previous one) and the previous compute is done; several exchanges may be in flight at once and share the links.
 * Regions are the network's ({@link NetworkTopology#regionOf}); workers in no region form one group without a WAN.
 *
 * <p>Metrics, one row per sync: {@code bytes_up} is what went toward aggregation (LAN worker → leader and WAN leader →
 * leader, probes included), {@code bytes_down} the LAN broadcasts, {@code wan_bytes} the WAN's share, {@code sim_seconds}
 * the time the row's model is at every worker. Determinism: tasks are seeded {@code worker/<i>/<sync>} and joined in
 * worker order, so the numbers are the same for any thread count. Not thread-safe; call {@link #run} once, then
 * {@link #close}.
 */
public final class CrossRegionSimulation implements Simulation {
    private static final long PROBE_SMALL = 64;

    private final SimulationSpec spec;
    private final CrossRegionConfig config;
    private final WorkerPool workers;
    private final List<DataParallelWorker> members = new ArrayList<>();
    private final int[] samples;
    private final SeedTree seeds;
    private final UpdateLayout layout;
    private final int[][] groups;   // each group's workers, ascending; the first is the leader
    private final int[] groupOf;
    private final boolean[] wanGroup; // whether the group is a region (its leader's transfers to others cross a WAN)
    private int[] leaders;            // each group's leader: its lowest id, or the measured placement's choice

    /**
     * @param spec   the run: its clients are the workers, its network the regions' links (or null), its compressor
     *               the WAN's; its strategy is not used
     * @param config the algorithm
     * @throws IllegalArgumentException naming the key: one-step algorithms with {@code local-steps} other than 1,
     *                                  DeCo without a network or with a compressor that has no ratio
     */
    public CrossRegionSimulation(SimulationSpec spec, CrossRegionConfig config) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.config = Objects.requireNonNull(config, "config");
        int n = spec.clientData().size();
        LocalTraining tr = spec.training();
        if (config.oneStep() && tr.stepsFor(1) != 1) {
            throw new IllegalArgumentException("[cross-region] algorithm = '" + config.algorithm() + "' takes one step"
                    + " per sync: [training] local-steps must be 1, got " + tr.localSteps());
        }
        if (config.algorithm().equals("deco")) {
            if (spec.network() == null) {
                throw new IllegalArgumentException("[cross-region] algorithm = 'deco' adapts to the measured links:"
                        + " give [topology] or [network]");
            }
            try {
                spec.compression().uplinkCompressor().newState(1, new SplittableRandom(0)).setRatio(1.0);
            } catch (UnsupportedOperationException e) {
                throw new IllegalArgumentException("[cross-region] algorithm = 'deco' sets the compression ratio:"
                        + " [compressor] needs a compressor with a ratio (topk, randk, dgc), got '"
                        + spec.compression().uplinkCompressor().name() + "'", e);
            }
        }
        if (spec.network() != null && spec.network().clients() != n) {
            throw new IllegalArgumentException("the network has " + spec.network().clients() + " nodes, the run " + n
                    + " workers");
        }
        seeds = SeedTree.root(spec.seed());
        samples = new int[n];
        groupOf = new int[n];
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples[i] = spec.clientData().get(i).size();
            int region = spec.network() == null ? -1 : spec.network().regionOf(i);
            int g = keys.indexOf(region);
            if (g < 0) {
                keys.add(region);
                g = keys.size() - 1;
            }
            groupOf[i] = g;
        }
        groups = new int[keys.size()][];
        wanGroup = new boolean[keys.size()];
        for (int g = 0; g < groups.length; g++) {
            int gg = g;
            groups[g] = java.util.stream.IntStream.range(0, n).filter(i -> groupOf[i] == gg).toArray();
            wanGroup[g] = keys.get(g) >= 0;
        }
        workers = new WorkerPool(spec.threads(), spec.models(), spec.test());
        try {
            layout = FederatedSimulation.updateLayout(workers.anyModel().layout());
            LocalTraining inner = config.oneStep() ? new LocalTraining(tr.batchSize(), tr.localEpochs(),
                    tr.localSteps(), tr.schedule(), 0f, tr.weightDecay()) : tr;
            float[] adam = config.adamW() ? new float[] {(float) config.beta1(), (float) config.beta2(),
                    (float) config.eps()} : null;
            for (int i = 0; i < n; i++) {
                members.add(new DataParallelWorker(i, spec.clientData().get(i), inner, seeds, adam));
            }
        } catch (RuntimeException e) {
            workers.close();
            throw e;
        }
    }

    private int leader(int g) {
        return leaders == null ? groups[g][0] : leaders[g];
    }

    /** @return each region's leader, the worker that aggregates it (after {@link #run}: the placement's choice) */
    public int[] leaders() {
        int[] l = new int[groups.length];
        for (int g = 0; g < l.length; g++) {
            l[g] = leader(g);
        }
        return l;
    }

    /**
     * Places each region's leader where a sync's communication is shortest, measured in virtual time before
     * training: for every candidate, the region's other workers send it a dense model at once, it sends a dense model
     * to the other regions' current leaders and back to its workers; the candidate whose three phases take the least
     * total time leads (ties: the lowest id). Regions are placed one after another; the probes' bytes count as
     * traffic of the first sync.
     */
    private void placeLeaders(EventEngine engine, FluidNetwork net, long dense, Bytes row, RoundListener listener) {
        leaders = new int[groups.length];
        for (int g = 0; g < groups.length; g++) {
            leaders[g] = groups[g][0];
        }
        for (int g = 0; g < groups.length; g++) {
            if (groups[g].length < 2 && groups.length < 2) {
                continue;
            }
            double best = Double.POSITIVE_INFINITY;
            StringBuilder sb = new StringBuilder();
            for (int c : groups[g]) {
                double total = 0;
                for (int phase = 0; phase < 3; phase++) {
                    double t0 = engine.now();
                    for (int w : phase == 1 ? leadersBut(g) : groups[g]) {
                        if (w == c) {
                            continue;
                        }
                        int from = phase == 0 ? w : c;
                        int to = phase == 0 ? c : w;
                        row.up += dense;
                        if (phase == 1 && (wanGroup[g] || wanGroup[groupOf[w]])) {
                            row.wan += dense;
                        }
                        net.send(from, to, dense, a -> { }, 0);
                    }
                    engine.run();
                    total += engine.now() - t0;
                }
                sb.append(String.format(java.util.Locale.ROOT, " %d: %.6f s", c, total));
                if (total < best * (1 - 1e-12)) {
                    best = total;
                    leaders[g] = c;
                }
            }
            listener.onLog("placement: region group " + g + " leader " + leaders[g] + " (measured sync"
                    + " communication per candidate:" + sb + ")");
        }
    }

    private int[] leadersBut(int g) {
        int[] out = new int[groups.length - 1];
        for (int h = 0, k = 0; h < groups.length; h++) {
            if (h != g) {
                out[k++] = leaders[h];
            }
        }
        return out;
    }

    /** @return the regions' worker groups, each ascending (copies) */
    public int[][] groups() {
        int[][] g = new int[groups.length][];
        for (int i = 0; i < g.length; i++) {
            g[i] = groups[i].clone();
        }
        return g;
    }

    /** The virtual-time side of one sync: who has what, and when (leaders as placed). */
    private final class Exchange {
        final int sync;
        final long[] wire;                // per group: the wire bytes of what its leader sends over the WAN
        final long[] values;              // per group: the values in it
        final int[] lanIn;                // per group: deltas the leader still waits for (its own included)
        final int[] wanIn;                // per group: WAN messages the leader still waits for
        int workersLeft;
        double computeEnd;
        double wanStart = Double.NaN;
        double arrived = Double.NaN;
        double wanDuration;               // the longest WAN transfer of this exchange
        long wanBytesEach;                // the largest WAN message

        Exchange(int sync, CompressedUpdate[] message) {
            this.sync = sync;
            wire = new long[message.length];
            values = new long[message.length];
            for (int g = 0; g < message.length; g++) {
                wire[g] = message[g].wireBytes();
                values[g] = message[g].elements();
            }
            lanIn = new int[groups.length];
            wanIn = new int[groups.length];
            for (int g = 0; g < groups.length; g++) {
                lanIn[g] = groups[g].length;
                wanIn[g] = groups.length - 1;
            }
            workersLeft = samples.length;
        }
    }

    /** Counters of one row. */
    private static final class Bytes {
        long up;
        long down;
        long wan;
        long elementsUp;
        long elementsDown;
    }

    /**
     * @param listener receives each sync's metrics
     * @return the metrics and the final shared parameters (no per-participant counts: null; the simulator's own time
     *     is not measured: NaN)
     */
    @Override
    public SimulationResult run(RoundListener listener) {
        int n = samples.length;
        float[] theta = workers.initialParams();
        int dim = theta.length;
        long dense = UpdateCodec.HEADER_BYTES + 4L * dim;
        EventEngine engine = new EventEngine();
        FluidNetwork net = spec.network() == null ? null : new FluidNetwork(engine, spec.network());
        GradientCompressor compressor = spec.compression().uplinkCompressor();
        CompressorState[] ef = new CompressorState[groups.length];
        for (int g = 0; g < groups.length; g++) {
            ef[g] = compressor.newState(layout, seeds.child("xregion-compressor").child(g).random());
        }
        OuterOptimizer outer = new OuterOptimizer(config.outerRule(), config.outerRate(),
                config.outerMomentum(spec.training().momentum()), dim);
        int steps = config.oneStep() ? 1 : spec.training().stepsFor(1);
        double computeMax = 0;
        for (int i = 0; i < n; i++) {
            computeMax = Math.max(computeMax, compute(i, steps));
        }
        boolean deco = config.algorithm().equals("deco");
        DecoController controller = deco ? config.controller() : null;
        double[] ratios = deco ? config.ratios() : null;
        long[] bytesAtRatio = deco ? sizesAtRatios(compressor, ratios, dim) : null;
        Bytes row = new Bytes();
        if (config.placement().equals("measured") && net != null) {
            placeLeaders(engine, net, dense, row, listener);
        }
        double latency = 0;
        double bandwidth = Double.POSITIVE_INFINITY;
        if (deco && groups.length > 1) {
            double[] probe = probe(engine, net, row);
            latency = probe[0];
            bandwidth = probe[1];
        }
        int tau = deco ? config.staleness() : 0;
        double ratio = Double.NaN;
        List<Exchange> exchanges = new ArrayList<>();
        List<float[]> aggregates = new ArrayList<>();
        int applied = 0;
        double prevComputeEnd = engine.now();
        double lanSeconds = 0;
        List<RoundMetrics> rows = new ArrayList<>();
        List<RoundTiming> timings = new ArrayList<>();
        long totalUp = 0;
        long totalDown = 0;
        long start = System.nanoTime();
        long last = start;
        long lastTrain = 0;
        long lastEval = 0;
        for (int t = 0; t < spec.rounds(); t++) {
            if (deco && config.adapt() && t % config.adaptEvery() == 0 && groups.length > 1) {
                if (t > 0) { // the last finished exchange's WAN transfers refresh the bandwidth
                    Exchange e = lastArrived(exchanges);
                    if (e != null && e.wanDuration > latency) {
                        bandwidth = e.wanBytesEach / (e.wanDuration - latency);
                        lanSeconds = Math.max(0, e.arrived - e.computeEnd - e.wanDuration);
                    }
                }
                DecoController.Choice c = controller.choose(new DecoController.Links(computeMax, lanSeconds, latency,
                        bandwidth), bytesAtRatio);
                if (c.staleness() != tau || c.ratio() != ratio) {
                    listener.onLog(String.format(java.util.Locale.ROOT, "deco: step %d: staleness %d, ratio %.3g"
                            + " (measured latency %.1f ms, %.2f Mb/s per WAN transfer, %.3f s compute per step)",
                            t + 1, c.staleness(), c.ratio(), latency * 1e3, bandwidth * 8 / 1e6, computeMax));
                }
                tau = c.staleness();
                ratio = c.ratio();
            }
            if (deco) {
                if (Double.isNaN(ratio)) { // no choice made (adapt = false, or one region): the largest candidate
                    ratio = ratios[0];
                }
                for (CompressorState s : ef) {
                    s.setRatio(ratio);
                }
            }
            float lr = (float) spec.training().schedule().rate(t);
            List<CompletableFuture<Reply>> jobs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Task task = new Task((long) t * n + i, i, t, theta, false, steps, lr, 0f, Double.NaN,
                        "worker/" + i + "/" + (t + 1));
                jobs.add(workers.submit(members.get(i), task, null));
            }
            float[][] delta = new float[n][];
            double lossSum = 0;
            long lossWeight = 0;
            int failed = 0;
            for (int i = 0; i < n; i++) {
                Reply r = WorkerPool.join(jobs.get(i), "the inner steps of worker " + i);
                if (r instanceof Reply.Ok ok) {
                    delta[i] = ok.update().toDense();
                    lossSum += ok.trainLoss() * samples[i];
                    lossWeight += samples[i];
                } else {
                    failed++; // a failed worker contributes nothing to this sync
                }
            }
            CompressedUpdate[] message = new CompressedUpdate[groups.length];
            float[] aggregate = new float[dim];
            long weight = 0;
            double[] acc = new double[dim];
            long[] groupWeight = new long[groups.length];
            for (int g = 0; g < groups.length; g++) {
                Arrays.fill(acc, 0);
                for (int i : groups[g]) {
                    if (delta[i] != null) {
                        groupWeight[g] += samples[i];
                        for (int e = 0; e < dim; e++) {
                            acc[e] += (double) samples[i] * delta[i][e];
                        }
                    }
                }
                float[] avg = new float[dim];
                if (groupWeight[g] > 0) {
                    for (int e = 0; e < dim; e++) {
                        avg[e] = (float) (acc[e] / groupWeight[g]);
                    }
                }
                ef[g].beginRound(t);
                message[g] = ef[g].compress(avg);
                weight += groupWeight[g];
            }
            if (weight > 0) {
                for (int g = 0; g < groups.length; g++) {
                    if (groupWeight[g] > 0) {
                        message[g].addTo(aggregate, (float) ((double) groupWeight[g] / weight));
                    }
                }
            }
            aggregates.add(aggregate);
            // virtual time: this sync starts once its compute may start
            double begin = Math.max(prevComputeEnd, engine.now());
            Exchange x = new Exchange(t, message);
            exchanges.add(x);
            for (int i = 0; i < n; i++) {
                int w = i;
                double end = begin + compute(i, steps);
                x.computeEnd = Math.max(x.computeEnd, end);
                engine.schedule(end, a -> computed(w, x, net, engine, dense, row), w);
            }
            prevComputeEnd = x.computeEnd;
            // the aggregates due by the end of this sync are applied; the next sync waits until they are everywhere
            int due = t - tau;
            while (applied <= due) {
                Exchange e = exchanges.get(applied);
                while (Double.isNaN(e.arrived)) {
                    if (!engine.step()) {
                        throw new Dml4jException("cross-region: the exchange of sync " + (applied + 1)
                                + " never completed (virtual time " + engine.now() + ")");
                    }
                }
                outer.apply(theta, aggregates.get(applied));
                aggregates.set(applied, null);
                applied++;
            }
            double at = Math.max(engine.now(), x.computeEnd);
            if (t + 1 == spec.rounds()) { // the last row: everything in flight has landed
                engine.run();
                while (applied <= t) {
                    outer.apply(theta, aggregates.get(applied));
                    aggregates.set(applied, null);
                    applied++;
                }
                at = engine.now();
            }
            double testLoss = Double.NaN;
            double testAcc = Double.NaN;
            if ((t + 1) % spec.evalEvery() == 0 || t + 1 == spec.rounds()) {
                EvalResult ev = workers.evaluate(theta);
                testLoss = ev.loss();
                testAcc = ev.accuracy();
            }
            totalUp += row.up;
            totalDown += row.down;
            double density = (double) message[0].elements() / dim; // of the WAN messages (the LAN's are dense)
            RoundMetrics m = new RoundMetrics(t + 1, n, failed, lr, lossWeight == 0 ? Double.NaN
                    : lossSum / lossWeight, testLoss, testAcc, row.elementsUp, row.up, density, row.elementsDown,
                    row.down, row.elementsDown == 0 ? Double.NaN : 1.0, totalUp, totalDown, at, row.wan);
            row.up = 0;
            row.down = 0;
            row.wan = 0;
            row.elementsUp = 0;
            row.elementsDown = 0;
            long now = System.nanoTime();
            long train = workers.trainNanos();
            long eval = workers.evalNanos();
            RoundTiming timing = new RoundTiming(t + 1, (now - last) / 1e9, (train - lastTrain) / 1e9,
                    (eval - lastEval) / 1e9, (now - start) / 1e9, workers.threads());
            last = now;
            lastTrain = train;
            lastEval = eval;
            rows.add(m);
            timings.add(timing);
            listener.onRound(m, timing);
        }
        return new SimulationResult(rows, timings, theta, null, Double.NaN);
    }

    private double compute(int worker, int steps) {
        return spec.devices() == null ? 0 : steps * spec.devices().secondsPerStep(worker);
    }

    private static Exchange lastArrived(List<Exchange> xs) {
        for (int i = xs.size() - 1; i >= 0; i--) {
            if (!Double.isNaN(xs.get(i).arrived)) {
                return xs.get(i);
            }
        }
        return null;
    }

    /** Worker {@code w} finished its steps of sync {@code x}: its delta goes to its leader. */
    private void computed(int w, Exchange x, FluidNetwork net, EventEngine engine, long dense, Bytes row) {
        int g = groupOf[w];
        int leader = leader(g);
        if (w == leader || net == null) {
            if (w != leader) {
                row.up += dense;
                row.elementsUp += (dense - UpdateCodec.HEADER_BYTES) / 4;
            }
            leaderHas(g, x, net, engine, dense, row);
            return;
        }
        row.up += dense;
        row.elementsUp += (dense - UpdateCodec.HEADER_BYTES) / 4;
        net.send(w, leader, dense, a -> leaderHas(g, x, net, engine, dense, row), w);
    }

    /** The leader of group {@code g} has one more of its region's deltas. */
    private void leaderHas(int g, Exchange x, FluidNetwork net, EventEngine engine, long dense, Bytes row) {
        if (--x.lanIn[g] > 0) {
            return;
        }
        if (groups.length == 1) {
            broadcast(g, x, net, engine, dense, row);
            return;
        }
        int leader = leader(g);
        long size = x.wire[g];
        double sent = engine.now();
        if (Double.isNaN(x.wanStart)) {
            x.wanStart = sent;
        }
        for (int h = 0; h < groups.length; h++) {
            if (h == g) {
                continue;
            }
            int to = leader(h);
            int hh = h;
            row.up += size;
            row.elementsUp += x.values[g];
            if (wanGroup[g] || wanGroup[h]) {
                row.wan += size;
            }
            x.wanBytesEach = Math.max(x.wanBytesEach, size);
            if (net == null) {
                wanHas(hh, x, net, engine, dense, row);
            } else {
                net.send(leader, to, size, a -> {
                    x.wanDuration = Math.max(x.wanDuration, engine.now() - sent);
                    wanHas(hh, x, net, engine, dense, row);
                }, to);
            }
        }
    }

    /** The leader of group {@code g} has one more region's message. */
    private void wanHas(int g, Exchange x, FluidNetwork net, EventEngine engine, long dense, Bytes row) {
        if (--x.wanIn[g] == 0 && x.lanIn[g] == 0) {
            broadcast(g, x, net, engine, dense, row);
        }
    }

    /** The leader of group {@code g} has the global average: it sends it to its workers. */
    private void broadcast(int g, Exchange x, FluidNetwork net, EventEngine engine, long dense, Bytes row) {
        int leader = leader(g);
        reached(x, engine);
        for (int to : groups[g]) {
            if (to == leader) {
                continue;
            }
            row.down += dense;
            row.elementsDown += (dense - UpdateCodec.HEADER_BYTES) / 4;
            if (net == null) {
                reached(x, engine);
            } else {
                net.send(leader, to, dense, a -> reached(x, engine), to);
            }
        }
    }

    private static void reached(Exchange x, EventEngine engine) {
        if (--x.workersLeft == 0) {
            x.arrived = engine.now();
        }
    }

    /**
     * Probes the WAN between every pair of leaders at once, a 64-byte message then {@code probe-bytes}.
     *
     * @return {latency, bytes per second of one transfer}
     */
    private double[] probe(EventEngine engine, FluidNetwork net, Bytes row) {
        double[] out = new double[2];
        long[] sizes = {PROBE_SMALL, config.probeBytes()};
        double[] took = new double[2];
        for (int p = 0; p < 2; p++) {
            double t0 = engine.now();
            double[] longest = {0};
            for (int g = 0; g < groups.length; g++) {
                for (int h = 0; h < groups.length; h++) {
                    if (g != h) {
                        row.up += sizes[p];
                        if (wanGroup[g] || wanGroup[h]) {
                            row.wan += sizes[p];
                        }
                        net.send(leader(g), leader(h), sizes[p],
                                a -> longest[0] = Math.max(longest[0], engine.now() - t0), 0);
                    }
                }
            }
            engine.run();
            took[p] = longest[0];
        }
        out[0] = took[0];
        out[1] = took[1] > took[0] ? (config.probeBytes() - PROBE_SMALL) / (took[1] - took[0])
                : Double.POSITIVE_INFINITY;
        return out;
    }

    /** A message's wire bytes at each ratio, from a scratch compressor state on a seeded random vector. */
    private long[] sizesAtRatios(GradientCompressor compressor, double[] ratios, int dim) {
        SplittableRandom rng = seeds.child("xregion").child("size-probe").random();
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        long[] out = new long[ratios.length];
        for (int k = 0; k < ratios.length; k++) {
            CompressorState s = compressor.newState(layout, seeds.child("xregion").child("size-probe").child(k)
                    .random());
            s.setRatio(ratios[k]);
            out[k] = s.compress(v).wireBytes();
        }
        return out;
    }

    @Override
    public ClientPool pool() {
        return ClientPool.ofSizes(samples);
    }

    @Override
    public ParameterLayout parameterLayout() {
        return workers.anyModel().layout();
    }

    @Override
    public double[] uplinkLevels() {
        return null;
    }

    @Override
    public void close() {
        workers.close();
    }
}
