package org.dml4j.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.fl.hier.EdgeClients;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.ToyParticipant;
import org.dml4j.model.Model;
import org.junit.jupiter.api.Test;

/**
 * An edge's client tier over gRPC: only the edge's own clients get in, a round's replies are those of the clients
 * trained in process, and a client that crashes mid-round leaves a failed slot while the round completes.
 */
class GrpcEdgeClientsTest {
    private static final int DIM = 5;

    /** The same toys trained in process, in id order. */
    private static EdgeClients inProcess(List<? extends Participant> members) {
        return new EdgeClients() {
            @Override
            public int[] ids() {
                return members.stream().mapToInt(Participant::id).toArray();
            }

            @Override
            public int numSamples() {
                return members.stream().mapToInt(Participant::numSamples).sum();
            }

            @Override
            public List<Reply> round(int round, CompressedUpdate broadcast, List<Task> tasks, Model worker) {
                List<Reply> out = new ArrayList<>();
                for (int i = 0; i < tasks.size(); i++) {
                    out.add(members.get(i).run(tasks.get(i), worker));
                }
                return out;
            }
        };
    }

    private static GrpcEdgeClients tier(int[] members) {
        Map<Integer, String> tokens = GrpcEdgeClients.tokensFor(Loopback.tokens(4), members, 4);
        GrpcTransport.Settings s = GrpcTransport.Settings.loopback(4, DIM, tokens);
        return new GrpcEdgeClients(new GrpcTransport.Settings(s.host(), 0, 4, DIM, members.length, 30, 5, 4096,
                s.maxUpdateBytes(), s.tls(), tokens), members);
    }

    private static CompletableFuture<Object> connect(GrpcEdgeClients tier, Participant p) {
        GrpcParticipant c = new GrpcParticipant(GrpcParticipant.Settings.loopback(tier.port(), "token-" + p.id()), p,
                () -> null);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.run();
            } catch (RuntimeException e) {
                return e;
            }
        });
    }

    private static List<Task> tasks(int[] ids, int round, float[] model) {
        List<Task> out = new ArrayList<>();
        for (int c : ids) {
            out.add(new Task(99, c, round, model, false, 3, 0.2f, 0f, Double.NaN, "client/" + c + "/" + (round + 1)));
        }
        return out;
    }

    @Test
    void aRoundOverGrpcGivesTheInProcessRepliesAndOnlyMembersGetIn() throws Exception {
        // Prepare: clients 1 and 3 of a pool of 4 belong to the edge
        List<ToyParticipant> toys = Runs.toys(4, DIM, -1);
        int[] members = {1, 3};
        float[] model = {0.5f, -1f, 2f, 0f, 1f};
        try (GrpcEdgeClients tier = tier(members)) {
            CompletableFuture<Object> outsider = connect(tier, toys.get(0));
            List<CompletableFuture<Object>> clients = List.of(connect(tier, toys.get(1)), connect(tier, toys.get(3)));

            // Execute
            assertEquals(toys.get(1).numSamples() + toys.get(3).numSamples(), tier.awaitClients());
            List<Reply> remote = tier.round(0, null, tasks(members, 0, model), null);
            List<Reply> local = inProcess(List.of(toys.get(1), toys.get(3))).round(0, null, tasks(members, 0, model),
                    null);

            // Assert
            StatusRuntimeException refused = assertInstanceOf(StatusRuntimeException.class,
                    outsider.get(30, TimeUnit.SECONDS));
            assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode(), "client 0 is not the edge's");
            for (int i = 0; i < 2; i++) {
                Reply.Ok r = assertInstanceOf(Reply.Ok.class, remote.get(i));
                Reply.Ok l = assertInstanceOf(Reply.Ok.class, local.get(i));
                assertEquals(members[i], r.participant());
                assertEquals(99, r.taskId(), "the edge's own task id comes back");
                float[] a = new float[DIM];
                float[] b = new float[DIM];
                r.update().addTo(a, 1f);
                l.update().addTo(b, 1f);
                assertArrayEquals(b, a);
            }
            tier.close();
            for (CompletableFuture<Object> c : clients) {
                GrpcParticipant.Result r = assertInstanceOf(GrpcParticipant.Result.class, c.get(30,
                        TimeUnit.SECONDS));
                assertEquals("the run is complete", r.finished());
            }
        }
    }

    /** Closes its connection on its second task, as a killed process would. */
    private static final class Crashing implements Participant {
        final ToyParticipant toy;
        final AtomicReference<GrpcParticipant> self = new AtomicReference<>();
        int tasks;

        Crashing(ToyParticipant toy) {
            this.toy = toy;
        }

        @Override
        public int id() {
            return toy.id();
        }

        @Override
        public int numSamples() {
            return toy.numSamples();
        }

        @Override
        public Reply run(Task task, Model worker) {
            if (++tasks == 2) {
                self.get().close();
            }
            return toy.run(task, worker);
        }
    }

    @Test
    void aClientLostMidRoundLeavesAFailedSlotAndTheRoundCompletes() throws Exception {
        List<ToyParticipant> toys = Runs.toys(4, DIM, -1);
        int[] members = {0, 2};
        float[] model = new float[DIM];
        try (GrpcEdgeClients tier = tier(members)) {
            connect(tier, toys.get(0));
            Crashing crashing = new Crashing(toys.get(2));
            GrpcParticipant c = new GrpcParticipant(GrpcParticipant.Settings.loopback(tier.port(), "token-2"),
                    crashing, () -> null);
            crashing.self.set(c);
            CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.run();
                } catch (RuntimeException e) {
                    return e;
                }
            });
            tier.awaitClients();
            assertTrue(tier.round(0, null, tasks(members, 0, model), null).stream()
                    .allMatch(r -> r instanceof Reply.Ok), "both answer the first round");

            List<Reply> second = tier.round(1, null, tasks(members, 1, model), null);

            assertInstanceOf(Reply.Ok.class, second.get(0));
            Reply.Failed lost = assertInstanceOf(Reply.Failed.class, second.get(1));
            assertTrue(lost.reason().contains("client 2 lost"), lost.reason());
            assertInstanceOf(RuntimeException.class, run.get(30, TimeUnit.SECONDS), "the crashed client's run ends");
            assertThrows(IllegalArgumentException.class, () -> tier.round(2, null, tasks(new int[] {0}, 2, model),
                    null), "one task per client");
        }
    }
}
