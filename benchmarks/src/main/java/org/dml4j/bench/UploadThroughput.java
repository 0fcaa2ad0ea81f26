package org.dml4j.bench;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.fl.Event;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.grpc.Certificates;
import org.dml4j.grpc.GrpcParticipant;
import org.dml4j.grpc.GrpcTransport;
import org.dml4j.grpc.Security;
import org.dml4j.grpc.UpdateValidator;
import org.dml4j.grpc.Wire;
import org.dml4j.grpc.proto.Chunk;
import org.dml4j.grpc.proto.Downlink;
import org.dml4j.grpc.proto.FederationGrpc;
import org.dml4j.grpc.proto.JoinRequest;
import org.dml4j.grpc.proto.ReplyHeader;
import org.dml4j.grpc.proto.SubmitAck;
import org.dml4j.grpc.proto.TasksRequest;
import org.dml4j.model.Model;

/**
 * A scripted run: the upload throughput of an update over the gRPC transport on loopback against a raw TCP socket
 * copy of the same bytes, in the same run, alternating the two; and, with {@code --big GIB}, one update stream
 * longer than 2 GiB through the coordinator's {@code Submit} call.
 *
 * <p>gRPC: a {@link GrpcTransport} coordinator with one {@link GrpcParticipant} whose every reply is the same dense
 * update of {@code MIB} MiB (UpdateCodec encoding, 1 MiB chunks, CRC-32C, validated and decoded at the coordinator).
 * The time is the coordinator's: from the reply header's arrival to the last chunk (the reply's upload seconds), so
 * the participant's encoding and the coordinator's decoding are left out and the coordinator's parsing, checksum and
 * flow control are in. Raw: the encoded bytes written to a loopback {@link Socket} in 1 MiB writes, read by the
 * coordinator's process into one array of their length (the same array every time, as the coordinator reuses its
 * chunks' arrays); the time is the reader's from the first byte to the last. Reported: each repeat, the median of
 * each over the repeats and their ratio (goal: gRPC at least 70% of the raw copy), the coordinator process's CPU
 * time and garbage-collection pauses over each transfer. {@code WARM_UPS} transfers of each kind come first.
 *
 * <p>Where the participant runs: by default on a thread of this JVM, the raw sender too; with
 * {@code --participant-jvm} both run in a child JVM (the same java, JVM flags and class path), as a participant on
 * another machine would, driven over a loopback control socket.
 *
 * <p>{@code --big GIB}: a coordinator that accepts updates up to {@code GIB + 1} GiB receives a reply of {@code GIB}
 * GiB generated chunk by chunk as it is sent ({@link GrpcParticipant#upload(ReplyHeader,
 * java.util.function.Consumer)}); it takes the whole stream in long-indexed segments, checks every offset and the
 * CRC-32C over all of it, decodes and aggregates it. Needs a heap of about {@code 3 * GIB + 1} GiB.
 *
 * <p>Usage: {@code java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar
 * org.dml4j.bench.UploadThroughput [MIB] [REPEATS] [--tls] [--participant-jvm] [--chunk-kib N] [--big GIB]}, default
 * 256 MiB, 5 repeats, plaintext (benchmarks/UPLOAD.md: why the heap is touched in advance).
 */
public final class UploadThroughput {
    private static final String TOKEN = "bench-token-0";
    /** Transfers of each kind before the measured ones. */
    private static final int WARM_UPS = 3;
    private static int CHUNK = Wire.DEFAULT_CHUNK_BYTES;

    private UploadThroughput() {
    }

    /** A participant whose every reply is the same update. */
    private record Fixed(DenseUpdate update) implements Participant {
        @Override
        public int id() {
            return 0;
        }

        @Override
        public int numSamples() {
            return 1;
        }

        @Override
        public Reply run(Task task, Model worker) {
            return new Reply.Ok(0, task.id(), task.version(), update, 1, 0, 1, 0, 0, 0);
        }
    }

    /**
     * @param args [MIB] [REPEATS] [--tls] [--big GIB]
     * @throws Exception when a run fails
     */
    public static void main(String[] args) throws Exception {
        int mib = 256;
        int repeats = 5;
        boolean tls = false;
        boolean oneJvm = true;
        double bigGib = 0;
        if (args.length > 0 && args[0].equals("--participant-of")) {
            for (int i = 6; i + 1 < args.length; i += 2) {
                if (args[i].equals("--chunk-kib")) {
                    CHUNK = Integer.parseInt(args[i + 1]) << 10;
                }
            }
            participantOf(args);
            return;
        }
        List<String> pos = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tls" -> tls = true;
                case "--participant-jvm" -> oneJvm = false;
                case "--big" -> bigGib = Double.parseDouble(args[++i]);
                case "--chunk-kib" -> CHUNK = Integer.parseInt(args[++i]) << 10;
                default -> pos.add(args[i]);
            }
        }
        if (!pos.isEmpty()) {
            mib = Integer.parseInt(pos.get(0));
        }
        if (pos.size() > 1) {
            repeats = Integer.parseInt(pos.get(1));
        }
        if (mib < 1 || repeats < 1 || bigGib < 0) {
            throw new IllegalArgumentException("MIB and REPEATS must be >= 1 and GIB >= 0, got " + mib + ", "
                    + repeats + ", " + bigGib);
        }
        Path dir = Files.createTempDirectory("dml4j-upload");
        if (mib > 0 && bigGib == 0) {
            compare(mib, repeats, tls, oneJvm, dir);
        }
        if (bigGib > 0) {
            big((long) (bigGib * (1L << 30)), dir);
        }
    }

    private static GrpcTransport.Settings settings(int dim, long maxUpdateBytes, Security.TlsFiles tls,
                                                   Map<Integer, String> tokens) {
        return new GrpcTransport.Settings("127.0.0.1", 0, 1, dim, 1, 60, 30, CHUNK, maxUpdateBytes, tls, tokens);
    }

    /** @return the dimension of a dense update whose encoding is {@code mib} MiB */
    private static int dim(int mib) {
        return mib * (1 << 20) / 4 - UpdateCodec.HEADER_BYTES / 4;
    }

    /** @return the benchmark's update of {@code mib} MiB: Gaussian values, seed 42 (the same in either process) */
    private static DenseUpdate update(int mib) {
        float[] values = new float[dim(mib)];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) r.nextGaussian();
        }
        return new DenseUpdate(values);
    }

    /** The participant's end of both transfers: a gRPC participant and a raw socket sender of the same bytes. */
    private interface Sender extends AutoCloseable {
        /** Writes the update's encoding to a loopback socket at {@code port}, in CHUNK-sized writes. */
        void rawCopy(int port) throws Exception;

        /** Ends the participant (after the coordinator stopped). */
        @Override
        void close() throws Exception;
    }

    /** Both senders in this JVM (the default): the participant on its thread, each raw copy on a thread of its own. */
    private static final class Local implements Sender {
        private final byte[] encoded;
        private final GrpcParticipant participant;
        private final Thread thread;

        Local(int mib, GrpcParticipant.Settings s) {
            DenseUpdate update = update(mib);
            encoded = UpdateCodec.encode(update);
            participant = new GrpcParticipant(s, new Fixed(update), () -> null);
            thread = new Thread(participant::run, "participant");
            thread.start();
        }

        @Override
        public void rawCopy(int port) {
            CompletableFuture.runAsync(() -> send(encoded, port));
        }

        @Override
        public void close() throws Exception {
            thread.join(60_000);
            participant.close();
        }
    }

    /** @return the senders in a child JVM (same java, flags and class path), driven over a control socket */
    private static Sender childJvm(int mib, int grpcPort, boolean tls, Path dir) throws Exception {
        ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), UploadThroughput.class.getName(),
                "--participant-of", Integer.toString(grpcPort), Integer.toString(control.getLocalPort()),
                Integer.toString(mib), Boolean.toString(tls), dir.toString(), "--chunk-kib",
                Integer.toString(CHUNK >> 10)));
        Process child = new ProcessBuilder(cmd).inheritIO().start();
        control.setSoTimeout(600_000);
        Socket c = control.accept();
        control.close();
        java.io.DataOutputStream toChild = new java.io.DataOutputStream(c.getOutputStream());
        java.io.DataInputStream fromChild = new java.io.DataInputStream(c.getInputStream());
        return new Sender() {
            @Override
            public void rawCopy(int port) throws IOException {
                toChild.writeInt(port);
                toChild.flush();
            }

            @Override
            public void close() throws Exception {
                toChild.writeInt(0);
                toChild.flush();
                fromChild.read(); // the child's end of the control connection closes when it exits
                c.close();
                if (!child.waitFor(60, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                    throw new IllegalStateException("the participant's JVM did not exit");
                }
            }
        };
    }

    /** The child JVM's side: a participant of the coordinator at {@code args[1]}, raw copies when asked. */
    private static void participantOf(String[] args) throws Exception {
        int grpcPort = Integer.parseInt(args[1]);
        int controlPort = Integer.parseInt(args[2]);
        int mib = Integer.parseInt(args[3]);
        boolean tls = Boolean.parseBoolean(args[4]);
        Path dir = Path.of(args[5]);
        GrpcParticipant.Settings s = GrpcParticipant.Settings.loopback(grpcPort, TOKEN);
        if (tls) {
            s = s.withTls(new Security.TlsFiles(null, null, dir.resolve("ca.pem")), "localhost");
        }
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), controlPort); Local local = new Local(mib, s)) {
            java.io.DataInputStream in = new java.io.DataInputStream(c.getInputStream());
            for (int port = in.readInt(); port != 0; port = in.readInt()) {
                send(local.encoded, port);
            }
        }
    }

    private static void compare(int mib, int repeats, boolean tls, boolean oneJvm, Path dir) throws Exception {
        int dim = dim(mib);
        long encodedBytes = UpdateCodec.HEADER_BYTES + 4L * dim;
        Map<Integer, String> tokens = Map.of(0, TOKEN);
        Security.TlsFiles serverTls = tls ? Certificates.write(dir, 1, List.of("localhost", "127.0.0.1"), 1)
                .server(false) : Security.TlsFiles.none();
        double[] grpc = new double[repeats];
        double[] raw = new double[repeats];
        double[] grpcCpu = new double[repeats];
        double[] rawCpu = new double[repeats];
        float[] expected = update(mib).toArray(); // every update the coordinator decodes must equal it
        // the raw copy's destination: one array for every repeat, as the coordinator reuses its chunks' arrays
        byte[] into = new byte[(int) encodedBytes];
        try (GrpcTransport t = new GrpcTransport(settings(dim, UpdateValidator.defaultMaxBytes(dim), serverTls,
                tokens))) {
            LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<Boolean> go = new LinkedBlockingQueue<>();
            float[] model = new float[dim];
            Thread coordinator = new Thread(() -> t.run(e -> {
                if (e instanceof Event.Start || e instanceof Event.ReplyArrived) {
                    if (e instanceof Event.ReplyArrived a) {
                        replies.add(a.reply());
                    }
                    try {
                        if (Boolean.TRUE.equals(go.take())) {
                            // from the participant's replica: after the first task only the header goes down
                            long id = e instanceof Event.Start ? 0 : ((Event.ReplyArrived) e).reply().taskId() + 1;
                            t.dispatch(new Task(id, 0, 0, model, true, 1, 0.1f, 0f, Double.NaN, "client/0/1"));
                        } else {
                            t.stop();
                        }
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                }
            }), "coordinator");
            coordinator.start();
            GrpcParticipant.Settings ps = GrpcParticipant.Settings.loopback(t.port(), TOKEN);
            if (tls) {
                ps = ps.withTls(new Security.TlsFiles(null, null, dir.resolve("ca.pem")), "localhost");
            }
            try (ServerSocket rawServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 Sender sender = oneJvm ? new Local(mib, ps) : childJvm(mib, t.port(), tls, dir)) {
                // warm-up, WARM_UPS of each: the participant's JVM compiles its send path in the first few
                for (int w = 0; w < WARM_UPS; w++) {
                    go.add(true);
                    replies.take();
                    sender.rawCopy(rawServer.getLocalPort());
                    rawReceive(rawServer, into);
                }
                for (int i = 0; i < repeats; i++) {
                    long c0 = processCpuNanos();
                    long g0 = gcMillis();
                    go.add(true);
                    Reply reply = replies.poll(600, TimeUnit.SECONDS);
                    if (!(reply instanceof Reply.Ok ok) || !(ok.update() instanceof DenseUpdate got)
                            || !java.util.Arrays.equals(got.toArray(), expected)) {
                        throw new IllegalStateException("the update was not accepted, or not as sent: " + reply);
                    }
                    long c1 = processCpuNanos();
                    long g1 = gcMillis();
                    grpc[i] = encodedBytes / ok.uploadSeconds();
                    sender.rawCopy(rawServer.getLocalPort());
                    raw[i] = encodedBytes / rawReceive(rawServer, into);
                    long c2 = processCpuNanos();
                    long g2 = gcMillis();
                    grpcCpu[i] = (c1 - c0) / 1e9;
                    rawCpu[i] = (c2 - c1) / 1e9;
                    System.out.printf(Locale.ROOT, "repeat %d: gRPC %.1f MB/s, raw socket %.1f MB/s (coordinator's"
                                    + " process CPU: gRPC %.3f s, raw %.3f s; its GC pauses: gRPC %d ms, raw %d ms)%n",
                            i + 1, grpc[i] / 1e6, raw[i] / 1e6, grpcCpu[i], rawCpu[i], g1 - g0, g2 - g1);
                }
                go.add(false);
                coordinator.join(60_000);
            }
        }
        double g = median(grpc);
        double s = median(raw);
        System.out.printf(Locale.ROOT, "update of %d bytes (%d MiB, %s, %d KiB chunks, participant %s), %d repeats:"
                        + " gRPC median %.1f MB/s, raw socket median %.1f MB/s, ratio %.2f; median process CPU per"
                        + " update: gRPC %.3f s, raw %.3f s%n", encodedBytes, mib, tls ? "TLS" : "plaintext",
                CHUNK >> 10, oneJvm ? "in this JVM" : "in its own JVM", repeats, g / 1e6, s / 1e6, g / s,
                median(grpcCpu), median(rawCpu));
    }

    /**
     * @return the CPU time of every thread of this process so far (the coordinator's process; with {@code --one-jvm}
     *     also the participant's: then for gRPC it counts the participant's encoding and CRC too)
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** @return the milliseconds this process's garbage collectors have paused so far */
    private static long gcMillis() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean b
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, b.getCollectionTime());
        }
        return ms;
    }

    /** Writes {@code bytes} to a loopback socket at {@code port} in CHUNK-sized writes. */
    private static void send(byte[] bytes, int port) {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port); OutputStream out = c.getOutputStream()) {
            for (int off = 0; off < bytes.length; off += CHUNK) {
                out.write(bytes, off, Math.min(CHUNK, bytes.length - off));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the seconds from the first byte to the last of one connection's bytes to {@code server}, read into
     *     {@code into} in CHUNK-sized reads (exactly {@code into.length} bytes must come)
     */
    private static double rawReceive(ServerSocket server, byte[] into) throws IOException {
        server.setSoTimeout(600_000);
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
            int n = in.read(into, 0, Math.min(CHUNK, into.length));
            long start = System.nanoTime();
            int at = Math.max(0, n);
            while (at < into.length) {
                n = in.read(into, at, Math.min(CHUNK, into.length - at));
                if (n < 0) {
                    throw new IOException("the copy ended after " + at + " bytes of " + into.length);
                }
                at += n;
            }
            if (in.read() >= 0) {
                throw new IOException("the copy sent more than " + into.length + " bytes");
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** Value {@code i} of the big update: the float at its payload offset in the repeated block. */
    private static float bigValue(float[] block, long i) {
        return block[(int) (((UpdateCodec.HEADER_BYTES + 4L * i) % CHUNK) / 4)];
    }

    private static void big(long approxBytes, Path dir) throws Exception {
        Map<Integer, String> tokens = Map.of(0, TOKEN);
        long dimL = (approxBytes - UpdateCodec.HEADER_BYTES) / 4;
        if (dimL > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--big " + approxBytes + " bytes is over 2^31 floats");
        }
        int dim = (int) dimL;
        long bytes = UpdateCodec.HEADER_BYTES + 4L * dim;
        // a valid dense encoding made chunk by chunk as it is sent: the header, then one block of finite floats
        // repeated (CHUNK and the header are multiples of 4, so every chunk starts on a value boundary)
        float[] block = new float[CHUNK / 4];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < block.length; k++) {
            block[k] = (float) rnd.nextGaussian();
        }
        ByteBuffer bb = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : block) {
            bb.putFloat(f);
        }
        byte[] blockBytes = bb.array();
        byte[] first = blockBytes.clone();
        ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).putInt(0x554C4D44).put((byte) UpdateCodec.CURRENT_VERSION)
                .put((byte) 1).put((byte) 0).put((byte) 0).putInt(dim);
        ByteString full = ByteString.copyFrom(blockBytes);
        ByteString head = ByteString.copyFrom(first);
        CRC32C crc = new CRC32C();
        for (long off = 0; off < bytes; off += CHUNK) {
            crc.update(off == 0 ? first : blockBytes, 0, (int) Math.min(CHUNK, bytes - off));
        }
        float[] model = new float[dim]; // the coordinator's global model: the update is aggregated into it
        try (GrpcTransport t = new GrpcTransport(settings(dim, UpdateValidator.defaultMaxBytes(dim),
                Security.TlsFiles.none(), tokens))) {
            LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
            double[] aggregateSeconds = new double[1];
            Thread coordinator = new Thread(() -> t.run(e -> {
                if (e instanceof Event.Start) {
                    t.dispatch(new Task(0, 0, 0, model, false, 1, 0.1f, 0f, Double.NaN, "client/0/1"));
                } else if (e instanceof Event.ReplyArrived a) {
                    if (a.reply() instanceof Reply.Ok ok) {
                        long a0 = System.nanoTime();
                        ok.update().addTo(model, 1f); // FedAvg of one participant with weight 1
                        aggregateSeconds[0] = (System.nanoTime() - a0) / 1e9;
                    }
                    replies.add(a.reply());
                    t.stop();
                }
            }), "coordinator");
            coordinator.start();
            ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", t.port(),
                    InsecureChannelCredentials.create()).build();
            // a long upload deadline: on a loaded machine 2.25 GiB take minutes, and the default is 60 s
            GrpcParticipant.Settings slow = new GrpcParticipant.Settings("127.0.0.1", t.port(),
                    Security.TlsFiles.none(), null, tokens.get(0), 5, 0.2, 3600);
            try (GrpcParticipant p = new GrpcParticipant(slow, new Fixed(new DenseUpdate(new float[1])), () -> null)) {
                FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(ch)
                        .withCallCredentials(Security.token(0, tokens.get(0)));
                stub.join(JoinRequest.newBuilder().setSchemaVersion(Wire.SCHEMA_VERSION).setParticipant(0)
                        .setNumSamples(1).build());
                Iterator<Downlink> tasks = stub.tasks(TasksRequest.newBuilder().setParticipant(0).build());
                CompletableFuture<Void> taskHeader = new CompletableFuture<>();
                // reads (and drops) the task's model chunks; the upload starts once the whole model is down
                Thread downlink = new Thread(() -> {
                    try {
                        long modelBytes = -1;
                        long got = 0;
                        while (tasks.hasNext()) {
                            Downlink d = tasks.next();
                            if (d.hasTask()) {
                                modelBytes = d.getTask().getModelBytes();
                            } else if (d.hasChunk()) {
                                got += d.getChunk().getData().size();
                            }
                            if (modelBytes >= 0 && got == modelBytes) {
                                taskHeader.complete(null);
                            }
                        }
                    } catch (RuntimeException e) {
                        taskHeader.completeExceptionally(e);
                    }
                }, "downlink");
                downlink.setDaemon(true);
                downlink.start();
                taskHeader.get(600, TimeUnit.SECONDS);
                ReplyHeader h = ReplyHeader.newBuilder().setParticipant(0).setTaskId(0).setBaseVersion(0).setOk(true)
                        .setNumSamples(1).setSteps(1).setUpdateBytes(bytes).setCrc32C((int) crc.getValue()).build();
                long start = System.nanoTime();
                String outcome;
                try {
                    SubmitAck ack = p.upload(h, sink -> {
                        for (long off = 0; off < bytes; off += CHUNK) {
                            int len = (int) Math.min(CHUNK, bytes - off);
                            ByteString data = off == 0 ? head : full;
                            sink.accept(Chunk.newBuilder().setOffset(off).setData(len == CHUNK ? data
                                    : data.substring(0, len)).build());
                        }
                    });
                    outcome = "acknowledged " + ack.getStatus();
                } catch (io.grpc.StatusRuntimeException e) {
                    outcome = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Reply reply = replies.poll(120, TimeUnit.SECONDS);
                coordinator.join(60_000);
                boolean aggregated = reply instanceof Reply.Ok;
                for (long i : new long[] {0, 1, dim / 2, dim - 2L, dim - 1L}) {
                    aggregated &= model[(int) i] == bigValue(block, i);
                }
                System.out.printf(Locale.ROOT, "streamed %d bytes (%.2f GiB, dim %d, %d chunks) through Submit in"
                                + " %.1f s (%.1f MB/s; coordinator's upload %.1f s, then checked, decoded and"
                                + " validated in %.1f s); coordinator: %s; aggregated into the model in %.2f s,"
                                + " values checked: %s%n", bytes, bytes / (double) (1L << 30), dim,
                        (bytes + CHUNK - 1) / CHUNK, seconds, bytes / seconds / 1e6,
                        reply instanceof Reply.Ok ok ? ok.uploadSeconds() : Double.NaN,
                        reply instanceof Reply.Ok ok2 ? seconds - ok2.uploadSeconds() : Double.NaN, outcome,
                        aggregateSeconds[0], aggregated ? "ok" : "WRONG (" + reply + ")");
                if (!aggregated) {
                    throw new IllegalStateException("the big update was not aggregated: " + reply);
                }
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                coordinator.join(10_000);
            }
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
