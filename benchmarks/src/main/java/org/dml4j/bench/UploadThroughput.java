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
 * copy of the same bytes, in the same JVM and run, alternating the two; and, with {@code --big GIB}, one update
 * stream longer than 2 GiB through the coordinator's {@code Submit} call.
 *
 * <p>gRPC: a {@link GrpcTransport} coordinator with one {@link GrpcParticipant} whose every reply is the same dense
 * update of {@code MIB} MiB (UpdateCodec encoding, 1 MiB chunks, CRC-32C, validated and decoded at the coordinator).
 * The time is the coordinator's: from the reply header's arrival to the last chunk (the reply's upload seconds), so
 * the participant's encoding is left out and the coordinator's reassembly, checksum and flow control are in. Raw: the
 * encoded bytes written to a loopback {@link Socket} in 1 MiB writes, read by the server into one array of their
 * length; the time is the server's from the first byte to the last. Reported: the median of each over the repeats
 * and their ratio (goal: gRPC at least 70% of the raw copy).
 *
 * <p>{@code --big GIB}: a coordinator that accepts updates up to {@code GIB + 1} GiB receives a reply of {@code GIB}
 * GiB generated chunk by chunk as it is sent ({@link GrpcParticipant#upload(ReplyHeader,
 * java.util.function.Consumer)}); it takes the whole stream in long-indexed segments, checks every offset and the
 * CRC-32C over all of it, and then refuses it with RESOURCE_EXHAUSTED because the update codec decodes one byte
 * array (at most 2 GiB): the run prints the time, the throughput and that status. Needs a heap of about
 * {@code GIB + 2} GiB.
 *
 * <p>Usage: {@code java -Xmx4g -cp benchmarks/target/benchmarks.jar org.dml4j.bench.UploadThroughput [MIB] [REPEATS]
 * [--tls] [--big GIB]}, default 256 MiB, 5 repeats, plaintext; {@code --big 2.25} with {@code -Xmx6g}.
 */
public final class UploadThroughput {
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
        double bigGib = 0;
        List<String> pos = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tls" -> tls = true;
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
            compare(mib, repeats, tls, dir);
        }
        if (bigGib > 0) {
            big((long) (bigGib * (1L << 30)), dir);
        }
    }

    private static GrpcTransport.Settings settings(int dim, long maxUpdateBytes, boolean tls, Path dir,
                                                   Map<Integer, String> tokens) {
        Security.TlsFiles files = tls ? Certificates.write(dir, 1, List.of("localhost", "127.0.0.1"), 1).server(false)
                : Security.TlsFiles.none();
        return new GrpcTransport.Settings("127.0.0.1", 0, 1, dim, 1, 60, 30, CHUNK, maxUpdateBytes, files, tokens);
    }

    private static GrpcParticipant.Settings client(GrpcTransport t, boolean tls, Path dir, String token) {
        GrpcParticipant.Settings s = GrpcParticipant.Settings.loopback(t.port(), token);
        return tls ? s.withTls(Certificates.write(dir, 1, List.of("localhost", "127.0.0.1"), 1).client(0, false),
                "localhost") : s;
    }

    private static void compare(int mib, int repeats, boolean tls, Path dir) throws Exception {
        int dim = mib * (1 << 20) / 4 - UpdateCodec.HEADER_BYTES / 4;
        float[] values = new float[dim];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < dim; i++) {
            values[i] = (float) r.nextGaussian();
        }
        DenseUpdate update = new DenseUpdate(values);
        byte[] encoded = UpdateCodec.encode(update);
        Map<Integer, String> tokens = Map.of(0, "bench-token-0");
        double[] grpc = new double[repeats];
        double[] raw = new double[repeats];
        double[] grpcCpu = new double[repeats];
        double[] rawCpu = new double[repeats];
        try (GrpcTransport t = new GrpcTransport(settings(dim, UpdateValidator.defaultMaxBytes(dim), tls, dir,
                tokens));
             GrpcParticipant p = new GrpcParticipant(client(t, tls, dir, tokens.get(0)), new Fixed(update),
                     () -> null)) {
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
            Thread participant = new Thread(p::run, "participant");
            participant.start();
            // warm-up: one of each
            go.add(true);
            replies.take();
            rawCopy(encoded);
            for (int i = 0; i < repeats; i++) {
                long c0 = processCpuNanos();
                go.add(true);
                Reply reply = replies.poll(600, TimeUnit.SECONDS);
                if (!(reply instanceof Reply.Ok ok)) {
                    throw new IllegalStateException("the update was not accepted: " + reply);
                }
                long c1 = processCpuNanos();
                grpc[i] = encoded.length / ok.uploadSeconds();
                raw[i] = encoded.length / rawCopy(encoded);
                long c2 = processCpuNanos();
                grpcCpu[i] = (c1 - c0) / 1e9;
                rawCpu[i] = (c2 - c1) / 1e9;
                System.out.printf(Locale.ROOT, "repeat %d: gRPC %.1f MB/s, raw socket %.1f MB/s (process CPU: gRPC"
                        + " %.3f s, raw %.3f s)%n", i + 1, grpc[i] / 1e6, raw[i] / 1e6, grpcCpu[i], rawCpu[i]);
            }
            go.add(false);
            coordinator.join(60_000);
            participant.join(60_000);
        }
        double g = median(grpc);
        double s = median(raw);
        System.out.printf(Locale.ROOT, "update of %d bytes (%d MiB, %s, %d KiB chunks), %d repeats:"
                        + " gRPC median %.1f MB/s, raw socket median %.1f MB/s, ratio %.2f; median process CPU per"
                        + " update: gRPC %.3f s, raw %.3f s%n", encoded.length, mib, tls ? "TLS" : "plaintext",
                CHUNK >> 10, repeats, g / 1e6, s / 1e6, g / s, median(grpcCpu), median(rawCpu));
    }

    /**
     * @return the CPU time of every thread of this process so far: both ends of either copy run here, so the
     *     difference over a repeat is what that transfer cost (for gRPC it also counts the participant's encoding
     *     and CRC and the coordinator's validation and decoding, which the throughput's timing leaves out)
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** @return the server's seconds from the first byte to the last of a loopback socket copy of {@code bytes} */
    private static double rawCopy(byte[] bytes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Double> seconds = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    byte[] into = new byte[bytes.length];
                    int n = in.read(into, 0, Math.min(CHUNK, into.length));
                    long start = System.nanoTime();
                    int at = Math.max(0, n);
                    while (at < into.length) {
                        n = in.read(into, at, Math.min(CHUNK, into.length - at));
                        if (n < 0) {
                            throw new IOException("the copy ended after " + at + " bytes");
                        }
                        at += n;
                    }
                    return (System.nanoTime() - start) / 1e9;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 OutputStream out = c.getOutputStream()) {
                for (int off = 0; off < bytes.length; off += CHUNK) {
                    out.write(bytes, off, Math.min(CHUNK, bytes.length - off));
                }
                out.flush();
                return seconds.get(600, TimeUnit.SECONDS);
            }
        }
    }

    /** Value {@code i} of the big update: the float at its payload offset in the repeated block. */
    private static float bigValue(float[] block, long i) {
        return block[(int) (((UpdateCodec.HEADER_BYTES + 4L * i) % CHUNK) / 4)];
    }

    private static void big(long approxBytes, Path dir) throws Exception {
        Map<Integer, String> tokens = Map.of(0, "bench-token-0");
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
        try (GrpcTransport t = new GrpcTransport(settings(dim, UpdateValidator.defaultMaxBytes(dim), false, dir,
                tokens))) {
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
