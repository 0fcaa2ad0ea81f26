package org.dml4j.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.compress.DownlinkCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.Dml4jException;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.fl.ClientInstruction;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.ClientReply;
import org.dml4j.fl.Compression;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.RoundPlan;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;
import org.dml4j.model.ParameterLayout;

/**
 * Runs synchronous federated rounds in one process. Each round the strategy picks clients; the clients train in
 * parallel on {@code threads} worker threads, each worker owning one model whose parameters stay in place between
 * steps; the replies are collected, sorted by client id and aggregated on the calling thread; the new global model is
 * evaluated on the test set. Bytes up are the replies' exact {@code wireBytes()}; bytes down are the dense global
 * model sent to each selected client or, with a downlink compressor, the compressed broadcast sent to every client.
 *
 * <p>Compression: every client owns an uplink compressor state built on the model's parameter layout (per-layer
 * compressors and PowerSGD see each tensor), told the round before it compresses; a data-aware assignment (DAGC)
 * sets each client's ratio or threshold once, before the first round. The server's downlink compressor keeps the
 * clients' replica of the model, so what it did not send goes out later (error feedback).
 *
 * <p>Determinism: every random choice derives from the seed through {@link SeedTree} paths that name the round and the
 * client, never the worker, so the metrics are identical for any thread count.
 *
 * <p>Not thread-safe; call {@link #run} once, then {@link #close}.
 */
public final class FederatedSimulation implements AutoCloseable {
    /**
     * The test set is evaluated in this many fixed slices, in parallel, and the results are combined in slice order;
     * a constant (not the thread count) so that the numbers do not depend on the thread count.
     */
    static final int EVAL_CHUNKS = 8;
    private final SimulationSpec spec;
    private final SeedTree seeds;
    private final ExecutorService workers;
    private final BlockingQueue<Model> idleModels;
    private final List<Model> allModels = new ArrayList<>();
    private final List<FlClient> clients = new ArrayList<>();
    private final UpdateLayout layout;
    private final double[] uplinkLevels;
    private final ClientPool pool;
    private final List<Dataset> testChunks = new ArrayList<>();

    /**
     * Creates the workers' models and the clients' compressor states.
     *
     * @param spec the resolved simulation
     */
    public FederatedSimulation(SimulationSpec spec) {
        this.spec = spec;
        this.seeds = SeedTree.root(spec.seed());
        this.idleModels = new ArrayBlockingQueue<>(spec.threads());
        for (int i = 0; i < spec.threads(); i++) {
            Model m = spec.models().create();
            allModels.add(m);
            idleModels.add(m);
        }
        this.layout = updateLayout(allModels.get(0).layout());
        int[] sizes = new int[spec.clientData().size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = spec.clientData().get(i).size();
        }
        Compression compression = spec.compression();
        double[] levels = compression.dataAware().levels(sizes, compression.meanLevel());
        for (int i = 0; i < sizes.length; i++) {
            CompressorState state = compression.uplink().newState(layout,
                    seeds.child("compressor").child(i).random());
            if (levels != null) {
                compression.dataAware().apply(state, levels[i], compression.uplink().name());
            }
            clients.add(new FlClient(i, spec.clientData().get(i), state));
        }
        this.uplinkLevels = levels;
        this.pool = ClientPool.ofSizes(sizes);
        Dataset test = spec.test();
        int chunks = Math.min(EVAL_CHUNKS, test.size());
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) test.size() * c / chunks);
            int to = (int) ((long) test.size() * (c + 1) / chunks);
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            testChunks.add(test.subset(idx, test.name() + "#" + c));
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "dml4j-worker-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newFixedThreadPool(spec.threads(), tf);
    }

    /** Each parameter tensor of the model is one layer for per-layer compressors and PowerSGD. */
    private static UpdateLayout updateLayout(ParameterLayout params) {
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

    /** @return the client pool (sizes per client) */
    public ClientPool pool() {
        return pool;
    }

    /**
     * Runs all rounds.
     *
     * @param listener receives each round's metrics as it finishes
     * @return all metrics and the final parameters
     */
    public SimulationResult run(RoundListener listener) {
        float[] global = new float[allModels.get(0).numParams()];
        allModels.get(0).getParams(global); // every worker's model starts from the same parameters
        int dim = global.length;
        long densePerClient = new DenseUpdate(global).wireBytes();
        DownlinkCompressor downlink = spec.compression().downlink() == null ? null
                : new DownlinkCompressor(spec.compression().downlink(), layout, global,
                        seeds.child("downlink").random());
        List<RoundMetrics> metrics = new ArrayList<>();
        List<RoundTiming> timings = new ArrayList<>();
        long totalUp = 0;
        long totalDown = 0;
        long start = System.nanoTime();
        for (int round = 1; round <= spec.rounds(); round++) {
            long t0 = System.nanoTime();
            RoundPlan plan = spec.strategy().configureRound(round, pool, spec.training(),
                    seeds.child("sample").child(round).random());
            // The model the clients start from: the global model, or under downlink compression their replica of it,
            // advanced by this round's broadcast. Every client applies every broadcast to stay in step, so each
            // broadcast is counted once per client of the pool, sampled or not.
            float[] clientStart;
            long elementsDown;
            long bytesDown;
            int receivers;
            if (downlink == null) {
                clientStart = global;
                receivers = plan.instructions().size();
                elementsDown = (long) dim * receivers;
                bytesDown = densePerClient * receivers;
            } else {
                downlink.state().beginRound(round - 1);
                CompressedUpdate b = downlink.broadcast(global);
                clientStart = downlink.replica();
                receivers = pool.size();
                elementsDown = b.elements() * receivers;
                bytesDown = b.wireBytes() * receivers;
            }
            double[] trainNanos = new double[1];
            List<ClientReply> replies = trainClients(round, clientStart, plan, trainNanos);
            // Deltas are relative to the clients' start; the server applies them to its own exact model.
            global = spec.strategy().aggregate(round, global, replies);

            long elementsUp = 0;
            long bytesUp = 0;
            double lossSum = 0;
            long lossWeight = 0;
            int failed = 0;
            for (ClientReply r : replies) {
                if (r instanceof ClientReply.Ok ok) {
                    CompressedUpdate u = ok.update();
                    elementsUp += u.elements();
                    bytesUp += u.wireBytes();
                    lossSum += ok.trainLoss() * ok.numSamples();
                    lossWeight += ok.numSamples();
                } else {
                    failed++;
                }
            }
            int ok = plan.instructions().size() - failed;
            double densityUp = ok == 0 ? Double.NaN : elementsUp / ((double) ok * dim);
            double densityDown = receivers == 0 ? Double.NaN : elementsDown / ((double) receivers * dim);
            totalUp += bytesUp;
            totalDown += bytesDown;

            double testLoss = Double.NaN;
            double testAcc = Double.NaN;
            double[] evalNanos = new double[1];
            if (round % spec.evalEvery() == 0 || round == spec.rounds()) {
                EvalResult ev = evaluate(round, global, evalNanos);
                testLoss = ev.loss();
                testAcc = ev.accuracy();
            }
            long t1 = System.nanoTime();
            double lr = plan.instructions().isEmpty() ? Double.NaN : plan.instructions().get(0).learningRate();
            RoundMetrics m = new RoundMetrics(round, plan.instructions().size(), failed, lr,
                    lossWeight == 0 ? Double.NaN : lossSum / lossWeight, testLoss, testAcc, elementsUp, bytesUp,
                    densityUp, elementsDown, bytesDown, densityDown, totalUp, totalDown);
            RoundTiming t = new RoundTiming(round, (t1 - t0) / 1e9, trainNanos[0] / 1e9, evalNanos[0] / 1e9,
                    (t1 - start) / 1e9, spec.threads());
            metrics.add(m);
            timings.add(t);
            listener.onRound(m, t);
        }
        return new SimulationResult(metrics, timings, global);
    }

    /** Evaluates the global model on the test slices in parallel and combines them in slice order. */
    private EvalResult evaluate(int round, float[] global, double[] evalNanos) {
        List<Future<EvalResult>> futures = new ArrayList<>();
        long[] nanos = new long[testChunks.size()];
        for (int c = 0; c < testChunks.size(); c++) {
            Dataset chunk = testChunks.get(c);
            int slot = c;
            futures.add(workers.submit(() -> {
                Model m = idleModels.take();
                try {
                    long a = System.nanoTime();
                    m.setParams(global);
                    EvalResult r = m.evaluate(chunk);
                    nanos[slot] = System.nanoTime() - a;
                    return r;
                } finally {
                    idleModels.add(m);
                }
            }));
        }
        double loss = 0;
        long correct = 0;
        long n = 0;
        for (EvalResult r : await(futures, round)) {
            loss += r.loss() * r.samples();
            correct += Math.round(r.accuracy() * r.samples());
            n += r.samples();
        }
        for (long x : nanos) {
            evalNanos[0] += x;
        }
        return new EvalResult(n, loss / n, (double) correct / n);
    }

    private static <T> List<T> await(List<Future<T>> futures, int round) {
        List<T> out = new ArrayList<>(futures.size());
        try {
            for (Future<T> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Dml4jException("interrupted in round " + round, e);
        } catch (ExecutionException e) {
            throw new Dml4jException("a worker failed in round " + round + ": " + e.getCause(), e.getCause());
        }
        return out;
    }

    private List<ClientReply> trainClients(int round, float[] global, RoundPlan plan, double[] trainNanos) {
        List<ClientInstruction> ins = plan.instructions();
        // Longest jobs first keeps the workers evenly loaded; the order of submission never changes the results.
        Integer[] order = new Integer[ins.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            long wa = (long) ins.get(a).localSteps();
            long wb = (long) ins.get(b).localSteps();
            return wa != wb ? Long.compare(wb, wa) : Integer.compare(a, b);
        });
        List<Future<ClientReply>> futures = new ArrayList<>(java.util.Collections.nCopies(ins.size(), null));
        long[] nanos = new long[ins.size()];
        for (int slot : order) {
            ClientInstruction in = ins.get(slot);
            FlClient client = clients.get(in.clientId());
            futures.set(slot, workers.submit(() -> {
                Model m = idleModels.take();
                try {
                    long a = System.nanoTime();
                    ClientReply r = client.runRound(m, global, round, in, spec.training(),
                            seeds.child("client").child(in.clientId()).child(round).random());
                    nanos[slot] = System.nanoTime() - a;
                    return r;
                } finally {
                    idleModels.add(m);
                }
            }));
        }
        List<ClientReply> replies = await(futures, round); // in plan order, i.e. sorted by client id
        for (long n : nanos) {
            trainNanos[0] += n;
        }
        return replies;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        for (Model m : allModels) {
            m.close();
        }
    }
}
