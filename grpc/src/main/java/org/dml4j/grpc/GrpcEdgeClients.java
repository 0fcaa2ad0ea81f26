package org.dml4j.grpc;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.fl.Broadcast;
import org.dml4j.fl.Event;
import org.dml4j.fl.Reply;
import org.dml4j.fl.StallException;
import org.dml4j.fl.Task;
import org.dml4j.fl.hier.EdgeClients;
import org.dml4j.model.Model;

/**
 * The client tier of an edge aggregator across machines: a {@link GrpcTransport} that the edge's own clients connect
 * to ({@code dml4j join --server EDGE:PORT}), so that an {@link org.dml4j.fl.hier.EdgeAggregator} that is itself a
 * participant of the cloud ({@link GrpcParticipant}) runs its edge rounds over the network with the code the
 * simulator runs in process.
 *
 * <pre>
 * L. Liu, J. Zhang, S. H. Song, K. B. Letaief. Client-Edge-Cloud Hierarchical Federated Learning. IEEE ICC 2020.
 * </pre>
 *
 * <p>Clients keep their global ids (those of the experiment's partition, which pick their shard and seed paths);
 * only the edge's own clients hold a token here. Each round dispatches one task per client (renumbered, since the
 * transport keys idempotent submission by task id), broadcasts the compressed downlink first when the tasks start
 * from the clients' replicas, and waits for every task to end: a reply, or a client lost (disconnected, crashed),
 * whose slot becomes a {@link Reply.Failed}. A lost client that connects again takes part from the next round.
 *
 * <p>Threading: the transport runs on a thread of its own, started by the constructor; {@link #round} is called by
 * one thread (the edge's task) at a time and blocks until the round is over; {@link #close} from any thread.
 */
public final class GrpcEdgeClients implements EdgeClients, AutoCloseable {
    /** The keep-alive timer: the transport's loop runs until {@link #close}, even with nothing in flight. */
    private static final double KEEP_ALIVE_SECONDS = 1e9;

    private final GrpcTransport transport;
    private final int[] ids;
    private final Thread loop;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile int samples = -1;
    // the loop thread's
    private Round current;
    private long nextTask;

    /** One round in flight. */
    private static final class Round {
        final List<Task> tasks;
        final CompressedUpdate broadcast;
        final int version;
        final long[] inner;
        final Reply[] replies;
        int left;
        final CompletableFuture<List<Reply>> done = new CompletableFuture<>();

        Round(int version, CompressedUpdate broadcast, List<Task> tasks) {
            this.version = version;
            this.broadcast = broadcast;
            this.tasks = tasks;
            this.inner = new long[tasks.size()];
            this.replies = new Reply[tasks.size()];
            this.left = tasks.size();
        }

        int slot(long innerTask) {
            for (int i = 0; i < inner.length; i++) {
                if (inner[i] == innerTask && replies[i] == null) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * Binds the server and starts waiting for the clients.
     *
     * @param settings how to listen: a pool of every client id of the run, the edge's clients as the participants
     *                 needed to start ({@code minParticipants = ids.length}), and tokens that only they hold (see
     *                 {@link #tokensFor})
     * @param ids      the edge's clients (global ids), ascending
     */
    public GrpcEdgeClients(GrpcTransport.Settings settings, int[] ids) {
        Objects.requireNonNull(settings, "settings");
        this.ids = ids.clone();
        if (this.ids.length == 0) {
            throw new IllegalArgumentException("an edge needs at least one client");
        }
        for (int i = 0; i < this.ids.length; i++) {
            if (this.ids[i] < 0 || this.ids[i] >= settings.participants() || i > 0 && this.ids[i] <= this.ids[i - 1]) {
                throw new IllegalArgumentException("client ids must be ascending in [0, " + settings.participants()
                        + "), got " + Arrays.toString(ids));
            }
        }
        if (settings.minParticipants() != this.ids.length) {
            throw new IllegalArgumentException("min-participants must be the edge's " + this.ids.length
                    + " clients, got " + settings.minParticipants());
        }
        this.transport = new GrpcTransport(settings);
        this.loop = new Thread(this::loop, "edge-clients");
        loop.setDaemon(true);
        loop.start();
    }

    /**
     * @param tokens  tokens by client id (e.g. a {@code dml4j certs} token file); must hold every one of {@code ids}
     * @param ids     the edge's clients
     * @param clients every client id of the run: {@code 0..clients-1}
     * @return the tokens of the edge's clients, and for every other id a fresh random secret nobody holds (so that
     *     only the edge's own clients can connect)
     * @throws IllegalArgumentException naming a client of the edge without a token
     */
    public static Map<Integer, String> tokensFor(Map<Integer, String> tokens, int[] ids, int clients) {
        Map<Integer, String> out = new HashMap<>();
        SecureRandom random = new SecureRandom();
        for (int c = 0; c < clients; c++) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            out.put(c, "unheld-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        }
        for (int c : ids) {
            String t = tokens.get(c);
            if (t == null) {
                throw new IllegalArgumentException("the tokens have none for client " + c + " of this edge (its"
                        + " clients: " + Arrays.toString(ids) + ")");
            }
            out.put(c, t);
        }
        return out;
    }

    /** @return the port the edge listens on for its clients */
    public int port() {
        return transport.port();
    }

    /** @return the transport's counts (the edge's clients) */
    public GrpcTransport.Stats stats() {
        return transport.stats();
    }

    /**
     * Waits until every client of the edge has connected (at most the settings' join timeout).
     *
     * @return their total data size, as they reported it
     * @throws StallException when they do not all connect in time
     */
    public int awaitClients() {
        int[] sizes = transport.awaitParticipants();
        int s = 0;
        for (int c : ids) {
            s += sizes[c];
        }
        samples = s;
        return s;
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    /** @throws IllegalStateException before {@link #awaitClients} */
    @Override
    public int numSamples() {
        if (samples < 0) {
            throw new IllegalStateException("the edge's clients have not all connected yet (awaitClients)");
        }
        return samples;
    }

    @Override
    public List<Reply> round(int round, CompressedUpdate broadcast, List<Task> tasks, Model worker) {
        if (tasks.size() != ids.length) {
            throw new IllegalArgumentException(tasks.size() + " tasks for " + ids.length + " clients");
        }
        for (int i = 0; i < ids.length; i++) {
            if (tasks.get(i).participant() != ids[i]) {
                throw new IllegalArgumentException("task " + i + " is for client " + tasks.get(i).participant()
                        + ", expected " + ids[i]);
            }
        }
        Round r = new Round(round, broadcast, List.copyOf(tasks));
        if (ended.isDone()) {
            throw new StallException("the edge's client server has stopped");
        }
        transport.execute(() -> begin(r));
        try {
            return CompletableFuture.anyOf(r.done, ended).thenApply(x -> r.done.join()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StallException("interrupted while waiting for the edge's clients");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new StallException("the edge's clients failed: " + e.getCause());
        }
    }

    private void loop() {
        try {
            transport.run(this::deliver);
            ended.completeExceptionally(new StallException("the edge's client server stopped"));
        } catch (RuntimeException e) {
            ended.completeExceptionally(e);
        } finally {
            Round r = current;
            if (r != null) {
                r.done.completeExceptionally(new StallException("the edge's client server stopped mid-round"));
            }
        }
    }

    /** On the loop thread: dispatches a round's tasks, after its broadcast. */
    private void begin(Round r) {
        if (current != null) {
            r.done.completeExceptionally(new IllegalStateException("a round is in flight already"));
            return;
        }
        current = r;
        if (r.broadcast != null) {
            transport.broadcast(new Broadcast(r.version, r.broadcast));
        }
        for (int i = 0; i < r.tasks.size(); i++) {
            Task t = r.tasks.get(i);
            long id = nextTask++;
            r.inner[i] = id;
            transport.dispatch(new Task(id, t.participant(), t.version(), t.model(), t.fromReplica(),
                    t.localSteps(), t.learningRate(), t.proxMu(), t.level(), t.seedPath()));
        }
    }

    /** On the loop thread: the transport's events. */
    private void deliver(Event e) {
        switch (e) {
            case Event.Start s -> transport.timer(transport.clock().now() + KEEP_ALIVE_SECONDS, 0);
            case Event.Timer t -> transport.timer(transport.clock().now() + KEEP_ALIVE_SECONDS, 0);
            case Event.ReplyArrived a -> settle(a.reply().taskId(), a.reply());
            case Event.Lost l -> {
                if (l.taskId() >= 0) {
                    settle(l.taskId(), null, l.reason());
                }
            }
            case Event.Idle i -> {
                // a client that was lost is back: it gets the next round's task
            }
        }
    }

    private void settle(long innerTask, Reply reply) {
        settle(innerTask, reply, null);
    }

    private void settle(long innerTask, Reply reply, String lostReason) {
        Round r = current;
        int i = r == null ? -1 : r.slot(innerTask);
        if (i < 0) {
            return;
        }
        Task t = r.tasks.get(i);
        r.replies[i] = switch (reply) {
            case Reply.Ok o -> new Reply.Ok(o.participant(), t.id(), o.baseVersion(), o.update(), o.numSamples(),
                    o.trainLoss(), o.steps(), o.computeSeconds(), o.downloadSeconds(), o.uploadSeconds());
            case Reply.Failed f -> new Reply.Failed(f.participant(), t.id(), f.baseVersion(), f.reason());
            case null -> new Reply.Failed(t.participant(), t.id(), t.version(), "client " + t.participant()
                    + " lost: " + lostReason);
        };
        if (--r.left == 0) {
            current = null;
            r.done.complete(Arrays.asList(r.replies));
        }
    }

    /** Ends the clients' run ("the run is complete") and shuts the server down. */
    @Override
    public void close() {
        if (!ended.isDone()) {
            transport.execute(transport::stop);
            try {
                loop.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        transport.close();
    }
}
