package org.dml4j.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.compress.MalformedUpdateException;
import org.dml4j.compress.SegmentedBytes;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.grpc.proto.BroadcastHeader;
import org.dml4j.grpc.proto.Chunk;
import org.dml4j.grpc.proto.Downlink;
import org.dml4j.grpc.proto.FederationGrpc;
import org.dml4j.grpc.proto.JoinReply;
import org.dml4j.grpc.proto.JoinRequest;
import org.dml4j.grpc.proto.ReplyHeader;
import org.dml4j.grpc.proto.SubmitAck;
import org.dml4j.grpc.proto.TaskHeader;
import org.dml4j.grpc.proto.TasksRequest;
import org.dml4j.grpc.proto.Uplink;
import org.dml4j.model.Model;

/**
 * The participant side of a deployment: connects one {@link Participant} (a client with its own local data) to a
 * {@link GrpcTransport}, runs the tasks it is sent one at a time and uploads the replies in chunks. It keeps the
 * replica of the global model that downlink broadcasts update. When the connection breaks it reconnects and rejoins
 * (up to {@code maxReconnects} times in a row; each attempt waits up to 60 s for the coordinator to be reachable); a
 * reply whose upload broke is submitted again, which the coordinator acknowledges as a duplicate if it had it
 * already. An authentication or schema refusal ends {@link #run} at once.
 *
 * <p>Not thread-safe: {@link #run} is called once; {@link #close} may be called from any thread.
 */
public final class GrpcParticipant implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GrpcParticipant.class.getName());

    /**
     * Where and how to connect.
     *
     * @param host                  the coordinator's host
     * @param port                  its port
     * @param tls                   the CA to trust (and this participant's certificate for mutual TLS), or none
     * @param authority             the name to check the server certificate against, or null for {@code host}
     * @param token                 this participant's token
     * @param maxReconnects         consecutive failed connections before giving up, at least 0
     * @param reconnectDelaySeconds pause between attempts
     * @param submitDeadlineSeconds deadline of one upload
     */
    public record Settings(String host, int port, Security.TlsFiles tls, String authority, String token,
                           int maxReconnects, double reconnectDelaySeconds, double submitDeadlineSeconds) {
        /** Validates the fields (never shows the token). */
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(token, "token");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
            }
            if (token.isBlank()) {
                throw new IllegalArgumentException("the token is empty");
            }
            if (maxReconnects < 0) {
                throw new IllegalArgumentException("max-reconnects must be >= 0, got " + maxReconnects);
            }
            if (!(reconnectDelaySeconds >= 0)) {
                throw new IllegalArgumentException("reconnect-delay must be >= 0 seconds, got "
                        + reconnectDelaySeconds);
            }
            if (!(submitDeadlineSeconds > 0)) {
                throw new IllegalArgumentException("submit-deadline must be > 0 seconds, got "
                        + submitDeadlineSeconds);
            }
        }

        /**
         * @param port  the coordinator's loopback port
         * @param token the token
         * @return loopback plaintext, 5 reconnects 0.2 s apart, 60 s uploads
         */
        public static Settings loopback(int port, String token) {
            return new Settings("127.0.0.1", port, Security.TlsFiles.none(), null, token, 5, 0.2, 60);
        }

        /**
         * @param files     the participant's TLS files
         * @param authority the server name to check, or null
         * @return these settings with TLS
         */
        public Settings withTls(Security.TlsFiles files, String authority) {
            return new Settings(host, port, files, authority, token, maxReconnects, reconnectDelaySeconds,
                    submitDeadlineSeconds);
        }
    }

    /**
     * What a participant did.
     *
     * @param tasks      tasks run
     * @param accepted   replies the coordinator accepted
     * @param duplicates replies it had already
     * @param refused    replies it refused (cancelled tasks, rejected updates)
     * @param reconnects connections opened after the first
     * @param finished   the coordinator's reason for the end
     */
    public record Result(int tasks, int accepted, int duplicates, int refused, int reconnects, String finished) {
    }

    private final Settings settings;
    private final Participant participant;
    private final Supplier<Model> models;
    private final ManagedChannel channel;
    private final FederationGrpc.FederationBlockingStub blocking;
    private final FederationGrpc.FederationStub async;
    private Model model;
    private float[] replica;
    private int replicaVersion = -1;
    private int chunkBytes = Wire.DEFAULT_CHUNK_BYTES;
    private int dim = -1;
    private volatile boolean closed;
    private int tasks;
    private int accepted;
    private int duplicates;
    private int refused;

    /**
     * @param settings    where to connect
     * @param participant the participant; its {@code id()} is the id it authenticates as
     * @param models      makes the model it trains (called once, on the first task; may return null for a
     *                    participant that needs none)
     */
    public GrpcParticipant(Settings settings, Participant participant, Supplier<Model> models) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.participant = Objects.requireNonNull(participant, "participant");
        this.models = Objects.requireNonNull(models, "models");
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(settings.host(), settings.port(),
                        Security.channelCredentials(settings.tls())).flowControlWindow(Wire.flowControlWindow())
                .withOption(ChannelOption.ALLOCATOR, NettyTuning.allocator()); // buffers reused (NettyTuning)
        if (settings.authority() != null) {
            b.overrideAuthority(settings.authority());
        }
        this.channel = b.keepAliveTime(30, TimeUnit.SECONDS).build();
        this.blocking = FederationGrpc.newBlockingStub(channel)
                .withCallCredentials(Security.token(participant.id(), settings.token()));
        this.async = FederationGrpc.newStub(channel)
                .withCallCredentials(Security.token(participant.id(), settings.token()));
    }

    /**
     * Joins and runs tasks until the coordinator ends the run.
     *
     * @return what it did
     * @throws StatusRuntimeException when the coordinator refuses it (UNAUTHENTICATED, PERMISSION_DENIED,
     *                                FAILED_PRECONDITION, OUT_OF_RANGE), when it cannot reconnect, or after
     *                                {@link #close}
     */
    public Result run() {
        int failures = 0;
        int reconnects = -1;
        while (true) {
            try {
                reconnects++;
                JoinReply j = blocking.withWaitForReady().withDeadlineAfter(60, TimeUnit.SECONDS)
                        .join(JoinRequest.newBuilder().setSchemaVersion(Wire.SCHEMA_VERSION)
                                .setParticipant(participant.id()).setNumSamples(participant.numSamples()).build());
                chunkBytes = j.getChunkBytes();
                dim = j.getDim();
                failures = 0;
                String reason = stream();
                return new Result(tasks, accepted, duplicates, refused, reconnects, reason);
            } catch (StatusRuntimeException e) {
                Status.Code c = e.getStatus().getCode();
                if (closed || c == Status.Code.UNAUTHENTICATED || c == Status.Code.PERMISSION_DENIED
                        || c == Status.Code.FAILED_PRECONDITION || c == Status.Code.OUT_OF_RANGE
                        || ++failures > settings.maxReconnects()) {
                    throw e;
                }
                LOG.log(Level.INFO, "participant " + participant.id() + ": connection lost (" + c
                        + "), reconnecting");
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep((long) (settings.reconnectDelaySeconds() * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }

    /** Reads the Tasks stream until Finished; a stream that ends otherwise is UNAVAILABLE. */
    private String stream() {
        Iterator<Downlink> it = blocking.tasks(TasksRequest.newBuilder().setParticipant(participant.id()).build());
        replicaVersion = -1; // a new stream starts without a replica the coordinator knows of
        TaskHeader task = null;
        BroadcastHeader broadcast = null;
        Wire.Assembler body = null;
        while (it.hasNext()) {
            Downlink d = it.next();
            switch (d.getBodyCase()) {
                case TASK -> {
                    TaskHeader h = d.getTask();
                    if (h.getModelBytes() == 0) {
                        runTask(h, null);
                    } else {
                        task = h;
                        broadcast = null;
                        body = new Wire.Assembler(h.getModelBytes(), maxDownlinkBytes(), h.getCrc32C(),
                                chunkBytes);
                    }
                }
                case BROADCAST -> {
                    broadcast = d.getBroadcast();
                    task = null;
                    body = new Wire.Assembler(broadcast.getUpdateBytes(), maxDownlinkBytes(),
                            broadcast.getCrc32C(), chunkBytes);
                }
                case CHUNK -> {
                    if (body == null) {
                        throw Status.INTERNAL.withDescription("a chunk without a header").asRuntimeException();
                    }
                    body.add(d.getChunk());
                    if (body.complete()) {
                        SegmentedBytes bytes = body.bytes();
                        body = null;
                        if (task != null) {
                            TaskHeader h = task;
                            task = null;
                            runTask(h, bytes);
                        } else {
                            applyBroadcast(broadcast, bytes);
                            broadcast = null;
                        }
                    }
                }
                case CANCEL -> {
                    // tasks run one at a time as they arrive: a cancelled one has run already, and its reply is
                    // refused by the coordinator
                }
                case FINISHED -> {
                    return d.getFinished().getReason();
                }
                default -> throw Status.INTERNAL.withDescription("unknown downlink message " + d.getBodyCase())
                        .asRuntimeException();
            }
        }
        throw Status.UNAVAILABLE.withDescription("the task stream ended without Finished").asRuntimeException();
    }

    /** @return the largest model or broadcast accepted: what the validator allows for an update of the model */
    private long maxDownlinkBytes() {
        return UpdateValidator.defaultMaxBytes(dim < 1 ? Integer.MAX_VALUE : dim);
    }

    private void applyBroadcast(BroadcastHeader h, SegmentedBytes bytes) {
        if (replica == null || replicaVersion != h.getBaseVersion()) {
            replicaVersion = -1;
            return;
        }
        try {
            UpdateCodec.decode(bytes, replica.length).addTo(replica, 1f);
            replicaVersion = h.getVersion();
        } catch (MalformedUpdateException e) {
            LOG.log(Level.WARNING, "participant " + participant.id() + ": bad broadcast (" + e.getMessage() + ")");
            replicaVersion = -1;
        }
    }

    private void runTask(TaskHeader h, SegmentedBytes modelBytes) {
        tasks++;
        long t0 = System.nanoTime();
        Reply reply;
        try {
            float[] start;
            if (modelBytes == null) {
                if (replicaVersion != h.getVersion()) {
                    throw new IllegalArgumentException("the task starts from replica version " + h.getVersion()
                            + ", this participant's is " + replicaVersion);
                }
                start = replica;
            } else {
                CompressedUpdate u = UpdateCodec.decode(modelBytes, dim < 0 ? Integer.MAX_VALUE : dim);
                if (!(u instanceof DenseUpdate dense)) {
                    throw new IllegalArgumentException("the task's model is not a dense encoding");
                }
                start = dense.toArray();
                if (h.getFromReplica()) {
                    replica = start.clone();
                    replicaVersion = h.getVersion();
                }
            }
            Task t = new Task(h.getTaskId(), participant.id(), h.getVersion(), start, h.getFromReplica(),
                    h.getLocalSteps(), h.getLearningRate(), h.getProxMu(), h.getLevel(), h.getSeedPath());
            if (model == null) {
                model = models.get();
            }
            reply = participant.run(t, model);
        } catch (IllegalArgumentException | MalformedUpdateException e) {
            reply = new Reply.Failed(participant.id(), h.getTaskId(), h.getVersion(), String.valueOf(e.getMessage()));
        }
        submit(reply, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Uploads a reply; retries a few times while the coordinator is unreachable (the submission is idempotent), then
     * gives the reply up and lets the task stream say whether the run ended or the connection broke.
     */
    private void submit(Reply reply, double computeSeconds) {
        ReplyHeader.Builder h = ReplyHeader.newBuilder().setParticipant(reply.participant()).setTaskId(reply.taskId())
                .setBaseVersion(reply.baseVersion());
        SegmentedBytes payload = SegmentedBytes.wrap(new byte[0]);
        if (reply instanceof Reply.Ok ok) {
            // in chunk-sized segments: each goes out as one chunk without a copy, and an update may exceed 2 GiB
            payload = UpdateCodec.encodeSegmented(ok.update(), chunkBytes);
            h.setOk(true).setNumSamples(ok.numSamples()).setTrainLoss(ok.trainLoss()).setSteps(ok.steps())
                    .setComputeSeconds(computeSeconds).setUpdateBytes(payload.length())
                    .setCrc32C(Wire.crc32c(payload));
        } else {
            h.setOk(false).setFailure(((Reply.Failed) reply).reason());
        }
        for (int attempt = 0; ; attempt++) {
            try {
                SubmitAck ack = upload(h.build(), payload);
                if (ack.getStatus() == SubmitAck.Status.DUPLICATE) {
                    duplicates++;
                } else {
                    accepted++;
                }
                return;
            } catch (StatusRuntimeException e) {
                Status.Code c = e.getStatus().getCode();
                boolean transient_ = c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED;
                if (transient_ && !closed && attempt < Math.min(3, settings.maxReconnects())) {
                    pause();
                    continue;
                }
                if (closed || c == Status.Code.UNAUTHENTICATED) {
                    throw e;
                }
                if (transient_ || c == Status.Code.CANCELLED) {
                    // the task stream tells what happened: the end of the run (Finished) or a broken connection
                    LOG.log(Level.INFO, "participant " + participant.id() + ": could not upload the reply to task "
                            + reply.taskId() + " (" + c + ")");
                    return;
                }
                refused++;
                LOG.log(Level.INFO, "participant " + participant.id() + ": reply to task " + reply.taskId()
                        + " refused (" + c + ": " + e.getStatus().getDescription() + ")");
                return;
            }
        }
    }

    /**
     * Sends one header and its payload's chunks on a Submit stream, waiting for the stream to be ready before each
     * chunk (so a large update is not buffered whole in gRPC), and returns the acknowledgement.
     *
     * @param header  the reply header
     * @param payload the update's encoding (empty for a failure)
     * @return the coordinator's acknowledgement
     * @throws StatusRuntimeException with the coordinator's status when it refuses the reply
     */
    SubmitAck upload(ReplyHeader header, byte[] payload) {
        return upload(header, SegmentedBytes.wrap(payload));
    }

    private SubmitAck upload(ReplyHeader header, SegmentedBytes payload) {
        return upload(header, sink -> Wire.chunks(payload, chunkBytes, sink));
    }

    /**
     * Sends one header and the chunks a source produces on a Submit stream, with the same flow control as a reply's
     * upload: a payload that is never one array (longer than 2 GiB, or made as it is sent) goes out chunk by chunk.
     * The header must announce the chunks' total length and CRC-32C; their offsets are the source's to set.
     *
     * @param header the reply header
     * @param chunks gives each chunk, in order, to the sink it is handed
     * @return the coordinator's acknowledgement
     * @throws StatusRuntimeException with the coordinator's status when it refuses the reply
     */
    public SubmitAck upload(ReplyHeader header, Consumer<Consumer<Chunk>> chunks) {
        CompletableFuture<SubmitAck> done = new CompletableFuture<>();
        Object ready = new Object();
        @SuppressWarnings("unchecked")
        ClientCallStreamObserver<Uplink>[] req = new ClientCallStreamObserver[1];
        // ready while less than a window is queued: the sender keeps the window full instead of waiting for each
        // chunk to leave (gRPC's default threshold, 32 KiB, is far below one chunk)
        async.withDeadlineAfter((long) (settings.submitDeadlineSeconds() * 1000), TimeUnit.MILLISECONDS)
                .withOnReadyThreshold(Math.max(Wire.flowControlWindow(), 2 * chunkBytes))
                .submit(new ClientResponseObserver<Uplink, SubmitAck>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<Uplink> r) {
                        req[0] = r;
                        r.setOnReadyHandler(() -> {
                            synchronized (ready) {
                                ready.notifyAll();
                            }
                        });
                    }

                    @Override
                    public void onNext(SubmitAck ack) {
                        done.complete(ack);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                        synchronized (ready) {
                            ready.notifyAll();
                        }
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(SubmitAck.getDefaultInstance());
                    }
                });
        ClientCallStreamObserver<Uplink> r = req[0];
        r.onNext(Uplink.newBuilder().setHeader(header).build());
        chunks.accept(c -> {
            synchronized (ready) {
                while (!r.isReady() && !done.isDone()) {
                    try {
                        ready.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        r.cancel("interrupted", e);
                        return;
                    }
                }
            }
            if (!done.isDone()) {
                r.onNext(Uplink.newBuilder().setChunk(c).build());
            }
        });
        if (!done.isDone()) {
            r.onCompleted();
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StatusRuntimeException s ? s
                    : Status.fromThrowable(e.getCause()).asRuntimeException();
        }
    }

    /** Breaks the connection at once (as a crash would) and ends {@link #run}. */
    @Override
    public void close() {
        closed = true;
        channel.shutdownNow();
    }
}
