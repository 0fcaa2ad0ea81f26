package org.dml4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.fl.Event;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.fl.testing.ToyParticipant;
import org.dml4j.grpc.proto.Downlink;
import org.dml4j.grpc.proto.FederationGrpc;
import org.dml4j.grpc.proto.JoinRequest;
import org.dml4j.grpc.proto.ReplyHeader;
import org.dml4j.grpc.proto.SubmitAck;
import org.dml4j.grpc.proto.TaskHeader;
import org.dml4j.grpc.proto.TasksRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A participant with a valid token sends malformed, oversized, wrong-dimension, NaN-filled, corrupted, wrong-round,
 * unknown-task and replayed updates, and strangers call without a valid token: each gets its status, the coordinator
 * stays up, and only the one valid update reaches it, once.
 */
class HostileInputTest {
    private static final int DIM = 4;

    @TempDir
    Path dir;

    @Test
    void hostileUpdatesAreRejectedAndNeverDelivered() throws Exception {
        try (Loopback loop = new Loopback(dir, 1, DIM, false, 1);
             MetricsEndpoint metrics = new MetricsEndpoint("127.0.0.1", 0, loop.transport)) {
            GrpcTransport t = loop.transport;
            List<Reply> delivered = Collections.synchronizedList(new ArrayList<>());
            Thread coordinator = new Thread(() -> t.run(e -> {
                if (e instanceof Event.Start) {
                    t.dispatch(task(0));
                } else if (e instanceof Event.ReplyArrived r) {
                    delivered.add(r.reply());
                    if (r.reply() instanceof Reply.Ok) {
                        t.stop();
                    } else {
                        t.dispatch(task(r.reply().taskId() + 1));
                    }
                }
            }));
            coordinator.setDaemon(true);
            coordinator.start();
            ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", t.port(),
                    Security.channelCredentials(loop.files.client(0, false))).overrideAuthority("localhost").build();
            try {
                FederationGrpc.FederationBlockingStub stranger = FederationGrpc.newBlockingStub(ch)
                        .withCallCredentials(Security.token(0, "not-the-token"));
                assertCode(Status.Code.UNAUTHENTICATED, () -> stranger.join(join(0)));
                FederationGrpc.FederationBlockingStub unknown = FederationGrpc.newBlockingStub(ch)
                        .withCallCredentials(Security.token(7, loop.tokens.get(0)));
                assertCode(Status.Code.UNAUTHENTICATED, () -> unknown.join(join(7)));
                FederationGrpc.FederationBlockingStub me = FederationGrpc.newBlockingStub(ch)
                        .withCallCredentials(Security.token(0, loop.tokens.get(0)));
                assertCode(Status.Code.PERMISSION_DENIED, () -> me.join(join(5)));
                me.join(join(0));
                GrpcParticipant raw = new GrpcParticipant(loop.clientSettings(0),
                        new ToyParticipant(0, 10, new float[DIM], false), () -> null);
                Iterator<Downlink> tasks = me.tasks(TasksRequest.newBuilder().setParticipant(0).build());
                byte[] valid = UpdateCodec.encode(new DenseUpdate(new float[] {0.5f, -0.5f, 1f, 0f}));

                TaskHeader h = nextTask(tasks);
                byte[] garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
                assertCode(Status.Code.INVALID_ARGUMENT, () -> raw.upload(header(h, garbage), garbage));

                TaskHeader h2 = nextTask(tasks);
                byte[] wrongDim = UpdateCodec.encode(new DenseUpdate(new float[] {1f, 2f, 3f}));
                assertCode(Status.Code.INVALID_ARGUMENT, () -> raw.upload(header(h2, wrongDim), wrongDim));

                TaskHeader h3 = nextTask(tasks);
                byte[] nan = valid.clone();
                ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(UpdateCodec.HEADER_BYTES + 4, Float.NaN);
                assertCode(Status.Code.INVALID_ARGUMENT, () -> raw.upload(header(h3, nan), nan));

                TaskHeader h4 = nextTask(tasks);
                ReplyHeader huge = header(h4, valid).toBuilder().setUpdateBytes(1L << 40).build();
                assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> raw.upload(huge, valid));

                TaskHeader h5 = nextTask(tasks);
                ReplyHeader corrupt = header(h5, valid).toBuilder().setCrc32C(Wire.crc32c(valid) ^ 1).build();
                assertCode(Status.Code.DATA_LOSS, () -> raw.upload(corrupt, valid));

                TaskHeader h6 = nextTask(tasks);
                ReplyHeader wrongRound = header(h6, valid).toBuilder().setBaseVersion(h6.getVersion() + 3).build();
                assertCode(Status.Code.INVALID_ARGUMENT, () -> raw.upload(wrongRound, valid));

                TaskHeader h7 = nextTask(tasks);
                ReplyHeader unknownTask = header(h7, valid).toBuilder().setTaskId(999).build();
                assertCode(Status.Code.FAILED_PRECONDITION, () -> raw.upload(unknownTask, valid));

                assertEquals(SubmitAck.Status.ACCEPTED, raw.upload(header(h7, valid), valid).getStatus());
                assertEquals(SubmitAck.Status.DUPLICATE, raw.upload(header(h7, valid), valid).getStatus(),
                        "a replay is acknowledged, not counted again");
                coordinator.join(30_000);
                raw.close();

                assertEquals(7, delivered.size());
                for (int i = 0; i < 6; i++) {
                    assertTrue(delivered.get(i) instanceof Reply.Failed f && f.reason().startsWith("rejected update"),
                            "rejection " + i + ": " + delivered.get(i));
                }
                Reply.Ok ok = (Reply.Ok) delivered.get(6);
                float[] sum = new float[DIM];
                ok.update().addTo(sum, 1f);
                assertEquals(0.5f, sum[0]);
                GrpcTransport.Stats s = t.stats();
                assertEquals(1, s.accepted());
                assertEquals(1, s.duplicates());
                assertEquals(Map.of("dimension", 1L, "integrity", 1L, "malformed", 2L, "oversize", 1L, "round", 1L,
                        "unknown-task", 1L), s.rejected());
                assertEquals(2, s.unauthenticated(), "the wrong token and the unknown id");

                // the same counts, scraped from /metrics
                metrics.onVersion(1, 0.25);
                String text = scrape(metrics.port());
                assertEquals(2.0, sample(text, "dml4j_updates_rejected_total{reason=\"malformed\"}"), text);
                assertEquals(1.0, sample(text, "dml4j_updates_rejected_total{reason=\"oversize\"}"), text);
                assertEquals(1.0, sample(text, "dml4j_updates_rejected_total{reason=\"unknown-task\"}"), text);
                assertEquals(1.0, sample(text, "dml4j_updates_accepted_total"), text);
                assertEquals(1.0, sample(text, "dml4j_updates_duplicate_total"), text);
                assertEquals(2.0, sample(text, "dml4j_unauthenticated_calls_total"), text);
                assertEquals((double) s.bytesUp(), sample(text, "dml4j_bytes_total{direction=\"up\"}"), text);
                assertEquals(valid.length, s.bytesUp());
                assertEquals(1.0, sample(text, "dml4j_participants"), text);
                assertEquals(1.0, sample(text, "dml4j_rounds_total"), text);
                assertEquals(1.0, sample(text, "dml4j_round_duration_seconds_count"), text);
                assertEquals(0.25, sample(text, "dml4j_round_duration_seconds_sum"), text);
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** GETs {@code /metrics} and returns its text. */
    static String scrape(int port) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** @return the value of the sample {@code name} (with its labels) in a Prometheus text exposition */
    static double sample(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1).trim().split(" ")[0])).findFirst().orElseThrow(() ->
                new AssertionError("no sample " + name + " in\n" + text));
    }

    private static Task task(long id) {
        return new Task(id, 0, 0, new float[DIM], false, 1, 0.1f, 0f, Double.NaN, "client/0/1");
    }

    private static JoinRequest join(int p) {
        return JoinRequest.newBuilder().setSchemaVersion(Wire.SCHEMA_VERSION).setParticipant(p).setNumSamples(10)
                .build();
    }

    private static TaskHeader nextTask(Iterator<Downlink> it) {
        while (it.hasNext()) {
            Downlink d = it.next();
            if (d.hasTask()) {
                return d.getTask();
            }
        }
        throw new AssertionError("the task stream ended");
    }

    private static ReplyHeader header(TaskHeader t, byte[] payload) {
        return ReplyHeader.newBuilder().setParticipant(0).setTaskId(t.getTaskId()).setBaseVersion(t.getVersion())
                .setOk(true).setNumSamples(10).setTrainLoss(0.5).setSteps(1).setComputeSeconds(0.01)
                .setUpdateBytes(payload.length).setCrc32C(Wire.crc32c(payload)).build();
    }

    private static void assertCode(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }
}
