package org.dml4j.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.SegmentedBytes;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.fl.Broadcast;
import org.dml4j.fl.Clock;
import org.dml4j.fl.Event;
import org.dml4j.fl.Reply;
import org.dml4j.fl.StallException;
import org.dml4j.fl.Task;
import org.dml4j.fl.Transport;
import org.dml4j.grpc.proto.BroadcastHeader;
import org.dml4j.grpc.proto.Cancel;
import org.dml4j.grpc.proto.Downlink;
import org.dml4j.grpc.proto.FederationGrpc;
import org.dml4j.grpc.proto.Finished;
import org.dml4j.grpc.proto.JoinReply;
import org.dml4j.grpc.proto.JoinRequest;
import org.dml4j.grpc.proto.ReplyHeader;
import org.dml4j.grpc.proto.SubmitAck;
import org.dml4j.grpc.proto.TaskHeader;
import org.dml4j.grpc.proto.TasksRequest;
import org.dml4j.grpc.proto.Uplink;

/**
 * The coordinator's {@link Transport} over gRPC: a server that participants ({@link GrpcParticipant}) connect to.
 * Each participant keeps one {@code Tasks} stream open, on which tasks, broadcasts and cancels flow down in chunks;
 * it uploads each reply on a {@code Submit} stream. Time is the wall clock since {@link Event.Start} (until then,
 * since the transport was made).
 *
 * <p>Events reach the coordinator on the thread that called {@link #run}, in arrival order: network threads only
 * queue them. Before {@link Event.Start} the transport waits for {@code minParticipants} to connect. A participant
 * that was not connected when a task was dispatched to it, or whose stream breaks (a crash, a lost network), is
 * {@link Event.Lost} with its task; when it connects again it is {@link Event.Idle} (it rejoins). Replies for tasks
 * the coordinator no longer waits on (cancelled, lost) are refused with FAILED_PRECONDITION and never delivered; a
 * reply accepted before is acknowledged as DUPLICATE and not delivered again (idempotent submission keyed by
 * participant and task id). Every update is validated ({@link UpdateValidator}) and its round checked (the task's id
 * and base version); a rejected update ends its task as a {@link Reply.Failed} ("rejected update: ..."), so it is
 * counted and never aggregated, gets a clear status, a counter and a log line.
 *
 * <p>Downlink: a task carries its start model as a dense codec encoding, except when it starts from the participant's
 * replica and the transport knows that replica is at the task's version (it saw every broadcast since the participant
 * last received a full replica): then only the task's fields cross the wire. A broadcast goes to the participants
 * whose replica is at the previous broadcast's version; the others get the full replica with their next task.
 *
 * <p>Not bounded: chunks are queued to a stream without waiting for the participant to read them (gRPC buffers them),
 * so a model is held in memory once per participant being sent to.
 *
 * <p>{@link #run}, {@link #dispatch}, {@link #cancel}, {@link #broadcast}, {@link #timer} and {@link #stop} are
 * called from the coordinator's thread only; the gRPC handlers run on gRPC's threads.
 */
public final class GrpcTransport implements Transport, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GrpcTransport.class.getName());
    private static final Object WAKE = new Object();
    private static final int ACCEPTED_KEPT = 4096;
    /** Largest model encoding kept between tasks (see {@link #encodeModel}). */
    private static final long MODEL_CACHE_MAX_BYTES = 256L << 20;

    /**
     * How the coordinator listens.
     *
     * @param host              address to bind (e.g. 127.0.0.1, or 0.0.0.0 for every interface)
     * @param port              port, 0 for any free one ({@link #port()} tells which)
     * @param participants      size of the pool: participant ids are {@code 0..participants-1}
     * @param dim               parameters of the model
     * @param minParticipants   connected participants needed before the run starts, in [1, participants]
     * @param joinTimeoutSeconds how long to wait for them
     * @param rejoinWaitSeconds how long to wait for a disconnected participant to come back when nothing else can
     *                          happen, before the run counts as stalled
     * @param chunkBytes        largest chunk sent or accepted
     * @param maxUpdateBytes    largest encoded update accepted
     * @param tls               server certificate and key, and a client CA for mutual TLS;
     *                          {@link Security.TlsFiles#none()} for plaintext
     * @param tokens            every participant's token (only the listed ids may connect)
     */
    public record Settings(String host, int port, int participants, int dim, int minParticipants,
                           double joinTimeoutSeconds, double rejoinWaitSeconds, int chunkBytes, long maxUpdateBytes,
                           Security.TlsFiles tls, Map<Integer, String> tokens) {
        /** Validates the fields. */
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(tokens, "tokens");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            if (participants < 1) {
                throw new IllegalArgumentException("participants must be >= 1, got " + participants);
            }
            if (dim < 1) {
                throw new IllegalArgumentException("dim must be >= 1, got " + dim);
            }
            if (minParticipants < 1 || minParticipants > participants) {
                throw new IllegalArgumentException("min-participants must be in [1, " + participants + "], got "
                        + minParticipants);
            }
            if (!(joinTimeoutSeconds > 0)) {
                throw new IllegalArgumentException("join-timeout must be > 0 seconds, got " + joinTimeoutSeconds);
            }
            if (!(rejoinWaitSeconds >= 0)) {
                throw new IllegalArgumentException("rejoin-wait must be >= 0 seconds, got " + rejoinWaitSeconds);
            }
            if (chunkBytes < 1024 || chunkBytes > 3 << 20) {
                throw new IllegalArgumentException("chunk-bytes must be in [1024, 3 MiB] (gRPC's message limit is"
                        + " 4 MiB), got " + chunkBytes);
            }
            for (int p = 0; p < participants; p++) {
                if (!tokens.containsKey(p)) {
                    throw new IllegalArgumentException("participant " + p + " has no token");
                }
            }
            tokens = Map.copyOf(tokens);
        }

        /**
         * @param participants pool size
         * @param dim          model size
         * @param tokens       tokens by participant id
         * @return loopback on a free port, every participant needed before the start, 1 MiB chunks, the default
         *     update limit, plaintext, 60 s to join, 30 s to rejoin
         */
        public static Settings loopback(int participants, int dim, Map<Integer, String> tokens) {
            return new Settings("127.0.0.1", 0, participants, dim, participants, 60, 30, Wire.DEFAULT_CHUNK_BYTES,
                    UpdateValidator.defaultMaxBytes(dim), Security.TlsFiles.none(), tokens);
        }

        /**
         * @param tlsFiles the server's TLS files
         * @return these settings with TLS
         */
        public Settings withTls(Security.TlsFiles tlsFiles) {
            return new Settings(host, port, participants, dim, minParticipants, joinTimeoutSeconds,
                    rejoinWaitSeconds, chunkBytes, maxUpdateBytes, tlsFiles, tokens);
        }
    }

    /**
     * What the transport counted, for logs and metrics.
     *
     * @param accepted     updates delivered to the coordinator
     * @param failed       failure replies delivered
     * @param duplicates   submissions acknowledged as already accepted
     * @param rejected     updates refused, by reason
     * @param unauthenticated calls refused by the token check
     * @param joins        Tasks streams opened (first joins and rejoins)
     * @param disconnects  Tasks streams that broke
     * @param bytesUp      update bytes accepted
     * @param bytesDown    model and broadcast bytes sent
     */
    public record Stats(long accepted, long failed, long duplicates, Map<String, Long> rejected, long unauthenticated,
                        long joins, long disconnects, long bytesUp, long bytesDown) {
        /** @return all rejected updates */
        public long rejectedTotal() {
            return rejected.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private record TimerEntry(double at, long seq, long tag) {
    }

    /** Network-side state of one participant, guarded by {@link #lock}. */
    private static final class Peer {
        ServerCallStreamObserver<Downlink> stream;
        long epoch;
        Task task;
        boolean announcedDown;
        boolean everJoined;
        int replicaVersion = -1;
        int numSamples;
        final Set<Long> accepted = new LinkedHashSet<>();
        final Set<Long> closed = new HashSet<>();
    }

    private final Settings settings;
    private final UpdateValidator validator;
    private final Security.TokenInterceptor auth;
    private final Server server;
    /** Arrays for received chunks, reused (ChunkArrays): one update's worth, between 16 and 2,048 of them. */
    private final ChunkArrays chunkArrays;
    /**
     * Where a complete upload is checked, decoded and delivered: the server's calls run on its event loops
     * ({@link NettyTuning#serverBuilder}), which must not spend the decoding of a large update there.
     */
    private final ExecutorService completions = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dml4j-submit");
        t.setDaemon(true);
        return t;
    });
    private volatile long startNanos = System.nanoTime();
    private volatile double clockOffset;
    private final Clock clock = () -> clockOffset + (System.nanoTime() - startNanos) / 1e9;
    private final List<Event> afterStart = new ArrayList<>();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    private final Peer[] peers;
    private int joined;
    private int lastBroadcastVersion = -1;
    private float[] encodedModelOf;
    private SegmentedBytes encodedModel;
    private volatile boolean stopped;
    private boolean started;
    // coordinator side (its thread only)
    private final long[] coordTask;
    private final boolean[] coordDown;
    private int inFlight;
    private long timerSeq;
    private final PriorityQueue<TimerEntry> timers = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Double.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    // counters
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failedReplies = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong joins = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();

    /**
     * Binds the server; participants may connect from now on.
     *
     * @param settings how to listen
     * @throws UncheckedIOException when the port cannot be bound
     */
    public GrpcTransport(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.validator = new UpdateValidator(settings.dim(), settings.maxUpdateBytes());
        this.auth = new Security.TokenInterceptor(settings.tokens());
        int n = settings.participants();
        peers = new Peer[n];
        for (int i = 0; i < n; i++) {
            peers[i] = new Peer();
        }
        coordTask = new long[n];
        java.util.Arrays.fill(coordTask, -1);
        coordDown = new boolean[n];
        chunkArrays = new ChunkArrays(settings.chunkBytes(), (int) Math.max(16, Math.min(2048,
                settings.maxUpdateBytes() / settings.chunkBytes() + 1)));
        try {
            this.server = NettyTuning.serverBuilder(new InetSocketAddress(settings.host(), settings.port()),
                            settings.tls())
                    .addService(ServerInterceptors.intercept(UplinkMarshaller.withChunkParser(new Service()
                            .bindService(), chunkArrays), auth))
                    .maxInboundMessageSize(settings.chunkBytes() + 64 * 1024)
                    .flowControlWindow(Wire.flowControlWindow())
                    // participants ping every 30 s when they hear nothing (a long round, the coordinator decoding
                    // a large update): gRPC's default of one ping per 5 min would answer the third with GOAWAY
                    .permitKeepAliveTime(20, TimeUnit.SECONDS)
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), e);
        }
    }

    /** @return the port the server listens on */
    public int port() {
        return server.getPort();
    }

    /** @return the validator (its rejection counts) */
    public UpdateValidator validator() {
        return validator;
    }

    /** @return what was counted so far */
    public Stats stats() {
        return new Stats(accepted.get(), failedReplies.get(), duplicates.get(), validator.rejected(), auth.refused(),
                joins.get(), disconnects.get(), bytesUp.get(), bytesDown.get());
    }

    /** @return the size of the pool */
    public int participants() {
        return settings.participants();
    }

    /** @return participants connected now */
    public int connected() {
        synchronized (lock) {
            int c = 0;
            for (Peer p : peers) {
                c += p.stream != null ? 1 : 0;
            }
            return c;
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public boolean run(Inbox inbox) {
        if (started) {
            throw new IllegalStateException("run was called already");
        }
        started = true;
        awaitJoined();
        startNanos = System.nanoTime(); // the run's clock starts with the run, not with the wait for participants
        inbox.deliver(new Event.Start());
        for (Event e : afterStart) { // a resumed run's tasks lost with the old server
            Event admitted = admit(e);
            if (admitted != null) {
                inbox.deliver(admitted);
            }
        }
        List<Event> back = new ArrayList<>();
        synchronized (lock) {
            for (int p = 0; p < peers.length; p++) {
                if (peers[p].stream != null && peers[p].announcedDown) {
                    peers[p].announcedDown = false;
                    back.add(new Event.Idle(p));
                }
            }
        }
        for (Event e : back) {
            Event admitted = admit(e);
            if (admitted != null) {
                inbox.deliver(admitted);
            }
        }
        double idleSince = Double.NaN;
        while (!stopped) {
            double now = clock.now();
            TimerEntry t = timers.peek();
            if (t != null && t.at <= now) {
                timers.poll();
                inbox.deliver(new Event.Timer(t.tag));
                continue;
            }
            boolean quiet = t == null && inFlight == 0 && queue.isEmpty();
            if (quiet) {
                if (!anyCouldReturn()) {
                    return false;
                }
                if (Double.isNaN(idleSince)) {
                    idleSince = now;
                } else if (now - idleSince >= settings.rejoinWaitSeconds()) {
                    return false;
                }
            } else {
                idleSince = Double.NaN;
            }
            double wait = t != null ? t.at - now : quiet ? settings.rejoinWaitSeconds() - (now - idleSince) : 1.0;
            Object o;
            try {
                o = queue.poll(Math.max(1, (long) Math.ceil(wait * 1e6)), TimeUnit.MICROSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StallException("interrupted while waiting for participants");
            }
            if (o instanceof Event e) {
                idleSince = Double.NaN;
                Event admitted = admit(e);
                if (admitted != null) {
                    inbox.deliver(admitted);
                }
            } else if (o instanceof Runnable action) {
                idleSince = Double.NaN;
                action.run();
            }
        }
        return true;
    }

    /**
     * Runs an action on the thread in {@link #run}, between two events, so that a node which is a coordinator of its
     * own participants and is driven from elsewhere (an edge aggregator, whose cloud task arrives on another thread)
     * can dispatch, broadcast and stop from there. An action posted before {@link Event.Start} runs after it; one
     * posted after {@link #run} returned never runs. Thread-safe.
     *
     * @param action what to run; it may call {@link #dispatch}, {@link #broadcast}, {@link #cancel}, {@link #timer}
     *               and {@link #stop}
     */
    public void execute(Runnable action) {
        queue.add(Objects.requireNonNull(action, "action"));
    }

    /**
     * Waits until {@code minParticipants} have connected ({@link #run} does too, before {@link Event.Start}).
     *
     * @return the data sizes the participants reported when they joined, by id (0 for those that have not)
     * @throws StallException when they do not join within the join timeout
     */
    public int[] awaitParticipants() {
        awaitJoined();
        synchronized (lock) {
            int[] sizes = new int[peers.length];
            for (int p = 0; p < sizes.length; p++) {
                sizes[p] = peers[p].numSamples;
            }
            return sizes;
        }
    }

    /**
     * Makes a restarted coordinator's transport agree with the coordinator restored from its checkpoint
     * ({@link org.dml4j.fl.Coordinator#restore}): the tasks it had in flight were lost with the old server (each is
     * {@link Event.Lost} right after {@link Event.Start}, and a late reply to it is refused), the participants it had
     * as unavailable are down until they connect (those connected by the start are {@link Event.Idle} right after
     * it), and the clock continues from {@code seconds}. Call once, before {@link #run}.
     *
     * @param taskOf      the running task of each participant, -1 for none
     * @param unavailable whether the coordinator had each participant as unavailable
     * @param seconds     the run's clock at the checkpoint, at least 0
     */
    public void resume(long[] taskOf, boolean[] unavailable, double seconds) {
        if (started || !afterStart.isEmpty() || clockOffset != 0) {
            throw new IllegalStateException("resume is called once, before run");
        }
        if (taskOf.length != peers.length || unavailable.length != peers.length) {
            throw new IllegalArgumentException("taskOf and unavailable must hold " + peers.length + " values, got "
                    + taskOf.length + " and " + unavailable.length);
        }
        if (!(seconds >= 0) || !Double.isFinite(seconds)) {
            throw new IllegalArgumentException("seconds must be finite and >= 0, got " + seconds);
        }
        clockOffset = seconds;
        synchronized (lock) {
            for (int p = 0; p < peers.length; p++) {
                if (taskOf[p] >= 0) {
                    coordTask[p] = taskOf[p];
                    inFlight++;
                    peers[p].closed.add(taskOf[p]);
                    peers[p].announcedDown = true;
                    afterStart.add(new Event.Lost(p, taskOf[p], "the coordinator restarted"));
                } else if (unavailable[p]) {
                    coordDown[p] = true;
                    peers[p].announcedDown = true;
                }
            }
        }
    }

    private void awaitJoined() {
        long deadline = System.nanoTime() + (long) (settings.joinTimeoutSeconds() * 1e9);
        synchronized (lock) {
            while (joined < settings.minParticipants()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StallException("only " + joined + " of the " + settings.minParticipants()
                            + " participants needed to start joined within " + settings.joinTimeoutSeconds() + " s");
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StallException("interrupted while waiting for participants to join");
                }
            }
        }
    }

    private boolean anyCouldReturn() {
        for (boolean d : coordDown) {
            if (d) {
                return true;
            }
        }
        return false;
    }

    /** Keeps the coordinator's view consistent: drops events about tasks it no longer waits on. */
    private Event admit(Event e) {
        switch (e) {
            case Event.ReplyArrived r -> {
                int p = r.reply().participant();
                if (coordTask[p] != r.reply().taskId()) {
                    return null;
                }
                coordTask[p] = -1;
                inFlight--;
                return e;
            }
            case Event.Lost l -> {
                int p = l.participant();
                if (l.taskId() >= 0 && coordTask[p] == l.taskId()) {
                    coordTask[p] = -1;
                    inFlight--;
                    coordDown[p] = true;
                    return e;
                }
                if (coordTask[p] >= 0 || coordDown[p]) {
                    return null; // a newer task's own fate will come, or already known to be down
                }
                coordDown[p] = true;
                return new Event.Lost(p, -1, l.reason());
            }
            case Event.Idle i -> {
                if (!coordDown[i.participant()]) {
                    return null;
                }
                coordDown[i.participant()] = false;
                return e;
            }
            default -> {
                return e;
            }
        }
    }

    @Override
    public void dispatch(Task task) {
        int p = task.participant();
        if (p < 0 || p >= peers.length) {
            throw new IllegalArgumentException("participant must be in [0, " + peers.length + "), got " + p);
        }
        if (coordTask[p] >= 0) {
            throw new IllegalStateException("participant " + p + " is running task " + coordTask[p]);
        }
        if (task.model().length != settings.dim()) {
            throw new IllegalArgumentException("task model has " + task.model().length + " parameters, the run "
                    + settings.dim());
        }
        coordTask[p] = task.id();
        inFlight++;
        synchronized (lock) {
            Peer peer = peers[p];
            if (peer.stream == null) {
                peer.announcedDown = true;
                peer.closed.add(task.id());
                queue.add(new Event.Lost(p, task.id(), "not connected"));
                return;
            }
            boolean header = task.fromReplica() && peer.replicaVersion == task.version();
            SegmentedBytes model = header ? SegmentedBytes.wrap(new byte[0]) : encodeModel(task.model());
            if (task.fromReplica()) {
                peer.replicaVersion = task.version();
            }
            peer.task = task;
            TaskHeader h = TaskHeader.newBuilder().setTaskId(task.id()).setVersion(task.version())
                    .setFromReplica(task.fromReplica()).setLocalSteps(task.localSteps())
                    .setLearningRate(task.learningRate()).setProxMu(task.proxMu()).setLevel(task.level())
                    .setSeedPath(task.seedPath()).setModelBytes(model.length()).setCrc32C(Wire.crc32c(model)).build();
            send(p, peer, Downlink.newBuilder().setTask(h).build(), model);
        }
    }

    /**
     * The model's dense encoding in chunk-sized segments, which go out as chunks without a copy. Every task of one
     * version shares the array, so the encoding is kept for the next task, except for a model whose encoding is over
     * {@link #MODEL_CACHE_MAX_BYTES}: that is encoded for each task and let go once sent, so that a model of several
     * GiB is not held twice for the whole round.
     */
    private SegmentedBytes encodeModel(float[] model) {
        if (encodedModelOf == model) {
            return encodedModel;
        }
        SegmentedBytes enc = UpdateCodec.encodeDenseSegmented(model, settings.chunkBytes());
        if (enc.length() <= MODEL_CACHE_MAX_BYTES) {
            encodedModel = enc;
            encodedModelOf = model;
        }
        return enc;
    }

    /** Sends a header and its payload's chunks; a broken stream counts as a disconnect. Holds the lock. */
    private void send(int p, Peer peer, Downlink head, byte[] payload) {
        send(p, peer, head, SegmentedBytes.wrap(payload));
    }

    /** Sends a header and its payload's chunks; a broken stream counts as a disconnect. Holds the lock. */
    private void send(int p, Peer peer, Downlink head, SegmentedBytes payload) {
        try {
            peer.stream.onNext(head);
            Wire.chunks(payload, settings.chunkBytes(), c -> peer.stream.onNext(Downlink.newBuilder().setChunk(c)
                    .build()));
            bytesDown.addAndGet(payload.length());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "participant " + p + ": downlink failed (" + e.getMessage() + ")");
            disconnected(p, peer.epoch, "downlink failed");
        }
    }

    @Override
    public void cancel(int participant, long taskId) {
        if (coordTask[participant] != taskId) {
            throw new IllegalStateException("participant " + participant + " is not running task " + taskId);
        }
        coordTask[participant] = -1;
        inFlight--;
        synchronized (lock) {
            Peer peer = peers[participant];
            peer.closed.add(taskId);
            if (peer.task != null && peer.task.id() == taskId) {
                peer.task = null;
                if (peer.stream != null) {
                    send(participant, peer, Downlink.newBuilder().setCancel(Cancel.newBuilder().setTaskId(taskId))
                            .build(), new byte[0]);
                }
            }
        }
    }

    @Override
    public void broadcast(Broadcast b) {
        SegmentedBytes delta = UpdateCodec.encodeSegmented(b.delta(), settings.chunkBytes());
        synchronized (lock) {
            int base = lastBroadcastVersion;
            for (int p = 0; p < peers.length; p++) {
                Peer peer = peers[p];
                if (peer.stream != null && base >= 0 && peer.replicaVersion == base) {
                    peer.replicaVersion = b.version();
                    BroadcastHeader h = BroadcastHeader.newBuilder().setVersion(b.version()).setBaseVersion(base)
                            .setUpdateBytes(delta.length()).setCrc32C(Wire.crc32c(delta)).build();
                    send(p, peer, Downlink.newBuilder().setBroadcast(h).build(), delta);
                } else {
                    peer.replicaVersion = -1;
                }
            }
            lastBroadcastVersion = b.version();
        }
    }

    @Override
    public void timer(double atSeconds, long tag) {
        timers.add(new TimerEntry(atSeconds, timerSeq++, tag));
    }

    @Override
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        synchronized (lock) {
            for (Peer peer : peers) {
                finish(peer, "the run is complete");
            }
        }
        queue.add(WAKE);
    }

    private static void finish(Peer peer, String reason) {
        if (peer.stream != null) {
            try {
                peer.stream.onNext(Downlink.newBuilder().setFinished(Finished.newBuilder().setReason(reason)).build());
                peer.stream.onCompleted();
            } catch (RuntimeException e) {
                // the participant is gone already
            }
            peer.stream = null;
        }
    }

    /**
     * Shuts the server down. Before the run's end (a coordinator stopped from outside) the participants' streams are
     * cut without {@code Finished}, as in a crash, so that they keep trying to rejoin a restarted coordinator.
     */
    @Override
    public void close() {
        if (!stopped) {
            // the run did not end: to the participants this is a coordinator that went away; they keep trying to
            // rejoin, so a coordinator restarted from its checkpoint finds them again
            stopped = true;
            queue.add(WAKE);
            server.shutdownNow();
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        completions.shutdown();
    }

    /** A participant's stream ended. Holds or takes the lock. */
    private void disconnected(int p, long epoch, String reason) {
        synchronized (lock) {
            Peer peer = peers[p];
            if (peer.epoch != epoch || peer.stream == null) {
                return;
            }
            peer.stream = null;
            peer.replicaVersion = -1;
            if (stopped) {
                return;
            }
            disconnects.incrementAndGet();
            peer.announcedDown = true;
            if (peer.task != null) {
                peer.closed.add(peer.task.id());
                queue.add(new Event.Lost(p, peer.task.id(), reason));
                peer.task = null;
            } else {
                queue.add(new Event.Lost(p, -1, reason));
            }
            LOG.log(Level.INFO, "participant " + p + " disconnected (" + reason + ")");
        }
    }

    private int caller(int claimed) {
        int p = Security.CALLER.get();
        if (claimed != p) {
            throw Status.PERMISSION_DENIED.withDescription("authenticated as participant " + p + ", the request names "
                    + claimed).asRuntimeException();
        }
        if (p >= peers.length) {
            throw Status.OUT_OF_RANGE.withDescription("participant " + p + " is outside this run's pool of "
                    + peers.length).asRuntimeException();
        }
        return p;
    }

    private final class Service extends FederationGrpc.FederationImplBase {
        @Override
        public void join(JoinRequest req, StreamObserver<JoinReply> out) {
            try {
                int p = caller(req.getParticipant());
                if (req.getSchemaVersion() != Wire.SCHEMA_VERSION) {
                    throw Status.FAILED_PRECONDITION.withDescription("schema version " + req.getSchemaVersion()
                            + " is not " + Wire.SCHEMA_VERSION).asRuntimeException();
                }
                if (req.getNumSamples() < 1) {
                    throw Status.INVALID_ARGUMENT.withDescription("num_samples must be >= 1, got "
                            + req.getNumSamples()).asRuntimeException();
                }
                synchronized (lock) {
                    peers[p].numSamples = req.getNumSamples();
                }
                out.onNext(JoinReply.newBuilder().setSchemaVersion(Wire.SCHEMA_VERSION)
                        .setParticipants(settings.participants()).setDim(settings.dim())
                        .setChunkBytes(settings.chunkBytes()).setMaxUpdateBytes(settings.maxUpdateBytes()).build());
                out.onCompleted();
            } catch (StatusRuntimeException e) {
                out.onError(e);
            }
        }

        @Override
        public void tasks(TasksRequest req, StreamObserver<Downlink> out) {
            int p;
            try {
                p = caller(req.getParticipant());
            } catch (StatusRuntimeException e) {
                out.onError(e);
                return;
            }
            ServerCallStreamObserver<Downlink> stream = (ServerCallStreamObserver<Downlink>) out;
            synchronized (lock) {
                Peer peer = peers[p];
                if (peer.stream != null) {
                    ServerCallStreamObserver<Downlink> old = peer.stream;
                    disconnected(p, peer.epoch, "replaced by a new connection");
                    try {
                        old.onError(Status.ABORTED.withDescription("replaced by a new connection")
                                .asRuntimeException());
                    } catch (RuntimeException ignored) {
                        // already closed
                    }
                }
                long epoch = ++peer.epoch;
                stream.setOnCancelHandler(() -> disconnected(p, epoch, "disconnected"));
                if (stopped) {
                    peer.stream = stream;
                    finish(peer, "the run is complete");
                    return;
                }
                peer.stream = stream;
                peer.replicaVersion = -1;
                joins.incrementAndGet();
                if (!peer.everJoined) {
                    peer.everJoined = true;
                    joined++;
                    lock.notifyAll();
                }
                if (peer.announcedDown) {
                    peer.announcedDown = false;
                    queue.add(new Event.Idle(p));
                }
                LOG.log(Level.INFO, "participant " + p + " joined");
            }
        }

        @Override
        public StreamObserver<Uplink> submit(StreamObserver<SubmitAck> out) {
            int caller = Security.CALLER.get();
            // Ask for a window's worth of chunks ahead instead of one at a time, so that the deframer hands over
            // every complete chunk it holds in one go. (The calls run on the event loop, NettyTuning.serverBuilder;
            // under a thread-pool executor, request(1) after each message cost two thread hand-offs per chunk.)
            ServerCallStreamObserver<SubmitAck> call = (ServerCallStreamObserver<SubmitAck>) out;
            call.disableAutoRequest();
            call.request(Math.max(2, Wire.flowControlWindow() / settings.chunkBytes()) + 1);
            return new StreamObserver<>() {
                private ReplyHeader header;
                private Wire.Assembler body;
                /** The chunks' data, whose arrays go back to chunkArrays once the update is decoded or refused. */
                private final List<ByteString> received = new ArrayList<>();
                private boolean done;
                private long firstNanos;

                @Override
                public void onNext(Uplink u) {
                    if (done) {
                        return;
                    }
                    try {
                        if (u.hasHeader()) {
                            if (header != null) {
                                throw Status.INVALID_ARGUMENT.withDescription("a second reply header")
                                        .asRuntimeException();
                            }
                            header = u.getHeader();
                            caller(header.getParticipant());
                            firstNanos = System.nanoTime();
                            if (header.getOk()) {
                                if (header.getUpdateBytes() > settings.maxUpdateBytes()) {
                                    throw reject(header, validator.reject(Status.Code.RESOURCE_EXHAUSTED, "oversize",
                                            header.getUpdateBytes() + " bytes declared, limit "
                                                    + settings.maxUpdateBytes()));
                                }
                                body = new Wire.Assembler(header.getUpdateBytes(), settings.maxUpdateBytes(),
                                        header.getCrc32C(), settings.chunkBytes());
                            }
                        } else if (u.hasChunk()) {
                            if (body == null) {
                                throw Status.INVALID_ARGUMENT.withDescription("a chunk without a header that"
                                        + " announces an update").asRuntimeException();
                            }
                            received.add(u.getChunk().getData());
                            body.add(u.getChunk());
                        }
                        call.request(1);
                    } catch (StatusRuntimeException e) {
                        fail(e);
                    }
                }

                private void fail(StatusRuntimeException e) {
                    done = true;
                    release(received);
                    out.onError(e);
                }

                @Override
                public void onError(Throwable t) {
                    if (!done) { // the participant went away mid-upload; its Tasks stream tells the rest
                        done = true;
                        release(received);
                    }
                }

                @Override
                public void onCompleted() {
                    if (done) {
                        return;
                    }
                    done = true;
                    double uploadSeconds = (System.nanoTime() - firstNanos) / 1e9;
                    ReplyHeader h = header;
                    Wire.Assembler b = body;
                    List<ByteString> chunks = received;
                    // checked, decoded and delivered off the event loop; the chunks' arrays are reused afterwards
                    try {
                        completions.execute(() -> {
                            try {
                                if (h == null) {
                                    throw Status.INVALID_ARGUMENT.withDescription("a reply without a header")
                                            .asRuntimeException();
                                }
                                out.onNext(SubmitAck.newBuilder().setStatus(complete(caller, h, b, uploadSeconds))
                                        .build());
                                out.onCompleted();
                            } catch (StatusRuntimeException e) {
                                out.onError(e);
                            } finally {
                                release(chunks);
                            }
                        });
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        release(chunks);
                        out.onError(Status.UNAVAILABLE.withDescription("the coordinator is shutting down")
                                .asRuntimeException());
                    }
                }
            };
        }
    }

    /** Gives the arrays behind an upload's chunks back to be reused: nothing reads them any more. */
    private void release(List<ByteString> chunks) {
        for (ByteString c : chunks) {
            chunkArrays.give(c);
        }
        chunks.clear();
    }

    private StatusRuntimeException reject(ReplyHeader h, UpdateValidator.Rejected r) {
        int p = h.getParticipant();
        LOG.log(Level.WARNING, "participant " + p + ", task " + h.getTaskId() + ": update rejected ("
                + r.getMessage() + ")");
        synchronized (lock) {
            Peer peer = peers[p];
            if (peer.task != null && peer.task.id() == h.getTaskId()) {
                Task t = peer.task;
                peer.task = null;
                peer.closed.add(t.id());
                failedReplies.incrementAndGet();
                queue.add(new Event.ReplyArrived(new Reply.Failed(p, t.id(), t.version(), "rejected update: "
                        + r.getMessage())));
            }
        }
        return r.status().asRuntimeException();
    }

    /** Checks a complete submission against the task it answers and delivers it. */
    private SubmitAck.Status complete(int p, ReplyHeader h, Wire.Assembler body, double uploadSeconds) {
        long taskId = h.getTaskId();
        synchronized (lock) {
            Peer peer = peers[p];
            if (peer.accepted.contains(taskId)) {
                duplicates.incrementAndGet();
                return SubmitAck.Status.DUPLICATE;
            }
            if (peer.task == null || peer.task.id() != taskId) {
                boolean known = peer.closed.contains(taskId);
                UpdateValidator.Rejected r = validator.reject(Status.Code.FAILED_PRECONDITION,
                        known ? "stale" : "unknown-task", "task " + taskId + (known ? " was cancelled or lost"
                                : " was not sent to participant " + p));
                LOG.log(Level.WARNING, "participant " + p + ": reply refused (" + r.getMessage() + ")");
                throw r.status().asRuntimeException();
            }
            if (h.getBaseVersion() != peer.task.version()) {
                throw reject(h, validator.reject(Status.Code.INVALID_ARGUMENT, "round", "base version "
                        + h.getBaseVersion() + ", the task's is " + peer.task.version()));
            }
        }
        Reply reply;
        if (!h.getOk()) {
            reply = new Reply.Failed(p, taskId, h.getBaseVersion(),
                    h.getFailure().isEmpty() ? "failed" : h.getFailure());
        } else {
            SegmentedBytes bytes;
            try {
                bytes = body.bytes();
            } catch (StatusRuntimeException e) {
                throw reject(h, validator.reject(e.getStatus().getCode(), "integrity",
                        e.getStatus().getDescription()));
            }
            CompressedUpdate u;
            try {
                u = validator.validate(bytes);
            } catch (UpdateValidator.Rejected r) {
                throw reject(h, r);
            }
            if (h.getNumSamples() < 1 || h.getSteps() < 0 || Double.isInfinite(h.getTrainLoss())
                    || !(h.getComputeSeconds() >= 0)) {
                throw reject(h, validator.reject(Status.Code.INVALID_ARGUMENT, "fields", "num_samples "
                        + h.getNumSamples() + ", steps " + h.getSteps() + ", loss " + h.getTrainLoss()
                        + ", compute " + h.getComputeSeconds()));
            }
            reply = new Reply.Ok(p, taskId, h.getBaseVersion(), u, h.getNumSamples(), h.getTrainLoss(), h.getSteps(),
                    h.getComputeSeconds(), 0, uploadSeconds);
            bytesUp.addAndGet(bytes.length());
        }
        synchronized (lock) {
            Peer peer = peers[p];
            if (peer.accepted.contains(taskId)) { // a concurrent retry won
                duplicates.incrementAndGet();
                return SubmitAck.Status.DUPLICATE;
            }
            if (peer.task == null || peer.task.id() != taskId) {
                throw validator.reject(Status.Code.FAILED_PRECONDITION, "stale", "task " + taskId
                        + " was cancelled or lost during the upload").status().asRuntimeException();
            }
            peer.task = null;
            peer.accepted.add(taskId);
            if (peer.accepted.size() > ACCEPTED_KEPT) {
                peer.accepted.remove(peer.accepted.iterator().next());
            }
            (reply instanceof Reply.Ok ? accepted : failedReplies).incrementAndGet();
            queue.add(new Event.ReplyArrived(reply));
        }
        return SubmitAck.Status.ACCEPTED;
    }
}
