package org.dml4j.grpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.StallException;
import org.dml4j.fl.Task;
import org.dml4j.fl.gossip.MixingMatrix;
import org.dml4j.model.Model;

/**
 * One peer of decentralized training over gRPC, with no coordinator: D-PSGD on a gossip graph.
 *
 * <pre>
 * X. Lian, C. Zhang, H. Zhang, C.-J. Hsieh, W. Zhang, J. Liu. Can Decentralized Algorithms Outperform Centralized
 * Algorithms? A Case Study for Decentralized Parallel Stochastic Gradient Descent. NeurIPS 2017.
 * </pre>
 *
 * <p>Iteration {@code t} of peer {@code i}, as the simulator's ({@code GossipSimulation}, mode {@code dpsgd}): train
 * {@code stepsFor(n_i)} local steps from {@code x_i} (task {@code t·n + i}, seed path {@code client/<i>/<t+1>}, the
 * schedule's rate at {@code t}), exchange the trained model with every neighbour of the graph, and mix
 * {@code x_i ← Σ_j W_ij x_j} ({@link MixingMatrix#mix}). Every link carries each model once each way: for a link
 * {@code (i, j)} with {@code i < j}, peer {@code i} serves (a {@link GrpcTransport}) and dispatches to {@code j} a
 * task carrying its trained model; {@code j}, connected to {@code i} as a participant ({@link GrpcParticipant}),
 * keeps it and answers with its own trained model of the same iteration once it has one. Tokens, TLS, chunked
 * streams, validation of every model (dimension, finite values) and reconnects are those of the federated runtime.
 *
 * <p>Iterations are logically synchronous (a peer waits for all its neighbours' models of an iteration); a
 * neighbour that cannot answer ends the run with a {@link StallException} naming it (D-PSGD has no churn).
 *
 * <p>Threading: {@link #run} is called once, by one thread; the peer's connections run on threads of their own.
 */
public final class GrpcDpsgdPeer implements AutoCloseable {
    /** How long a peer waits for a lower neighbour's model of an iteration before the run counts as stalled. */
    private static final long WAIT_MILLIS = 600_000;

    /** Receives each iteration's outcome. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param iteration 1-based
         * @param trainLoss the local update's mean loss (NaN when it failed)
         * @param model     the peer's model after mixing; read only
         */
        void onIteration(int iteration, double trainLoss, float[] model);
    }

    private final int id;
    private final FlClient client;
    private final MixingMatrix mixing;
    private final int[] lower;
    private final int[] higher;
    private final GrpcTransport.Settings listen;
    private final Map<Integer, GrpcParticipant.Settings> connect;
    private final Map<Integer, float[]> published = new HashMap<>();
    private final Map<Long, float[]> inbound = new HashMap<>();
    private final List<GrpcParticipant> responders = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Integer, RuntimeException> responderFailures = new HashMap<>();
    private GrpcEdgeClients tier;

    /**
     * @param client  this peer's local training (its id is the peer's)
     * @param mixing  the graph's mixing matrix W
     * @param listen  how to listen for the higher-numbered neighbours (pool: every peer id; see
     *                {@link GrpcEdgeClients}), or null when the peer has none
     * @param connect how to reach each lower-numbered neighbour, by id (this peer's token and TLS files)
     */
    public GrpcDpsgdPeer(FlClient client, MixingMatrix mixing, GrpcTransport.Settings listen,
                         Map<Integer, GrpcParticipant.Settings> connect) {
        this.client = Objects.requireNonNull(client, "client");
        this.mixing = Objects.requireNonNull(mixing, "mixing");
        this.id = client.id();
        if (id < 0 || id >= mixing.size()) {
            throw new IllegalArgumentException("peer id must be in [0, " + mixing.size() + "), got " + id);
        }
        this.lower = neighbours(mixing.support(id), id, true);
        this.higher = neighbours(mixing.support(id), id, false);
        if (higher.length > 0 && listen == null) {
            throw new IllegalArgumentException("peer " + id + " has higher neighbours " + java.util.Arrays.toString(
                    higher) + ": it needs an address to listen on");
        }
        this.listen = listen;
        this.connect = Map.copyOf(connect);
        for (int j : lower) {
            if (!this.connect.containsKey(j)) {
                throw new IllegalArgumentException("peer " + id + " has no address for its neighbour " + j);
            }
        }
    }

    private static int[] neighbours(int[] support, int id, boolean below) {
        return java.util.Arrays.stream(support).filter(j -> below ? j < id : j > id).sorted().toArray();
    }

    /** @return the neighbours that connect to this peer (ids above it), ascending */
    public int[] higherNeighbours() {
        return higher.clone();
    }

    /** @return the neighbours this peer connects to (ids below it), ascending */
    public int[] lowerNeighbours() {
        return lower.clone();
    }

    /**
     * Runs the iterations.
     *
     * @param init       the initial model (the same at every peer)
     * @param iterations how many, at least 1
     * @param training   local training (steps per iteration, the learning-rate schedule)
     * @param model      the model this peer trains with
     * @param listener   receives each iteration's outcome
     * @return the peer's final model
     * @throws StallException when a neighbour does not take part
     */
    public float[] run(float[] init, int iterations, LocalTraining training, Model model, Listener listener) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        int n = mixing.size();
        int dim = init.length;
        if (higher.length > 0) {
            tier = new GrpcEdgeClients(listen, higher);
        }
        for (int j : lower) {
            GrpcParticipant p = new GrpcParticipant(connect.get(j), new Responder(j), () -> null);
            Thread t = new Thread(() -> {
                try {
                    p.run();
                } catch (RuntimeException e) {
                    synchronized (published) {
                        responderFailures.put(j, e);
                        published.notifyAll();
                    }
                }
            }, "peer-" + id + "-to-" + j);
            t.setDaemon(true);
            responders.add(p);
            threads.add(t);
            t.start();
        }
        if (tier != null) {
            tier.awaitClients();
        }
        float[] x = init.clone();
        for (int t = 0; t < iterations; t++) {
            float lr = (float) training.schedule().rate(t);
            Task task = new Task((long) t * n + id, id, t, x, false, training.stepsFor(client.numSamples()), lr, 0f,
                    Double.NaN, "client/" + id + "/" + (t + 1));
            Reply r = client.run(task, model);
            float[] trained = x.clone();
            double loss = Double.NaN;
            if (r instanceof Reply.Ok ok) {
                ok.update().addTo(trained, 1f);
                loss = ok.trainLoss();
            } // a failed local update keeps the peer's model, as in the simulator
            publish(t, trained);
            float[][] models = new float[n][];
            models[id] = trained;
            if (tier != null) {
                List<Task> asks = new ArrayList<>(higher.length);
                for (int j : higher) {
                    asks.add(new Task((long) t * n + id, j, t, trained, false, 1, 1f, 0f, Double.NaN,
                            "gossip/" + id + "/" + j + "/" + (t + 1)));
                }
                List<Reply> replies = tier.round(t, null, asks, null);
                for (int k = 0; k < higher.length; k++) {
                    if (!(replies.get(k) instanceof Reply.Ok ok)) {
                        throw new StallException("peer " + id + ": neighbour " + higher[k] + " gave no model for"
                                + " iteration " + (t + 1) + " (" + ((Reply.Failed) replies.get(k)).reason() + ")");
                    }
                    float[] m = new float[dim];
                    ok.update().addTo(m, 1f);
                    models[higher[k]] = m;
                }
            }
            for (int j : lower) {
                models[j] = awaitInbound(j, t);
            }
            float[] next = new float[dim];
            mixing.mix(id, models, next);
            x = next;
            listener.onIteration(t + 1, loss, x);
        }
        awaitResponders();
        return x;
    }

    private void publish(int t, float[] trained) {
        synchronized (published) {
            published.put(t, trained);
            published.remove(t - 3); // a neighbour is at most one iteration behind
            published.notifyAll();
        }
    }

    private float[] awaitInbound(int j, int t) {
        long key = (long) t * mixing.size() + j;
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        synchronized (published) {
            while (!inbound.containsKey(key)) {
                if (responderFailures.containsKey(j)) {
                    throw new StallException("peer " + id + ": the connection to neighbour " + j + " failed ("
                            + responderFailures.get(j).getMessage() + ")");
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new StallException("peer " + id + ": neighbour " + j + " sent no model for iteration "
                            + (t + 1) + " within " + WAIT_MILLIS / 1000 + " s");
                }
                try {
                    published.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StallException("interrupted while waiting for neighbour " + j);
                }
            }
            return inbound.remove(key);
        }
    }

    /** Waits until every lower neighbour has ended its run (it got this peer's last answer). */
    private void awaitResponders() {
        for (Thread t : threads) {
            try {
                t.join(WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Answers a lower neighbour's tasks: keeps its model, returns this peer's trained model of that iteration. */
    private final class Responder implements Participant {
        private final int from;

        Responder(int from) {
            this.from = from;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public int numSamples() {
            return client.numSamples();
        }

        @Override
        public Reply run(Task task, Model worker) {
            int t = task.version();
            float[] mine;
            synchronized (published) {
                inbound.put((long) t * mixing.size() + from, task.model());
                published.notifyAll();
                long deadline = System.currentTimeMillis() + WAIT_MILLIS;
                while ((mine = published.get(t)) == null) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        return new Reply.Failed(id, task.id(), t, "peer " + id + " has no model of iteration "
                                + (t + 1));
                    }
                    try {
                        published.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new Reply.Failed(id, task.id(), t, "interrupted");
                    }
                }
            }
            return new Reply.Ok(id, task.id(), t, new DenseUpdate(mine), client.numSamples(), Double.NaN, 0, 0, 0,
                    0);
        }
    }

    /** Ends the peer's connections and its server. */
    @Override
    public void close() {
        for (GrpcParticipant p : responders) {
            p.close();
        }
        if (tier != null) {
            tier.close();
        }
    }
}
