package org.dml4j.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.async.FedAsync;
import org.dml4j.fl.async.FedBuff;
import org.dml4j.fl.robust.RobustStrategy;
import org.dml4j.fl.testing.LoopbackTransport;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.ToyParticipant;
import org.dml4j.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator with real strategies over gRPC on loopback: 3 participants on threads, TLS and tokens. */
class GrpcRunTest {
    @TempDir
    Path dir;

    @Test
    void fedAvgOverGrpcGivesTheSameModelAsInProcess() throws Exception {
        List<ToyParticipant> toys = Runs.toys(3, 5, -1);
        float[] init = {0.5f, -1f, 2f, 0f, 3f};
        Runs.Result local = Runs.run(new FedAvg("fedavg", 1, 3, 1f, 0f, 0, 0), toys,
                LoopbackTransport.immediate(toys), Runs.training(0.3, 2), 4, init);
        try (Loopback loop = new Loopback(dir, 3, 5, false, 3)) {
            loop.startAll(toys);
            Runs.Result remote = Runs.run(new FedAvg("fedavg", 1, 3, 1f, 0f, 0, 0), toys, loop.transport,
                    Runs.training(0.3, 2), 4, init);
            assertArrayEquals(local.model(), remote.model(), "same replies, summed in client order");
            assertEquals(4, remote.rows().size());
            assertEquals(12, loop.transport.stats().accepted());
            assertEquals(0, loop.transport.stats().rejectedTotal());
            loop.join();
            for (int p = 0; p < 3; p++) {
                GrpcParticipant.Result r = assertInstanceOf(GrpcParticipant.Result.class, loop.results.get(p));
                assertEquals(4, r.accepted());
                assertEquals("the run is complete", r.finished());
            }
        }
    }

    @Test
    void fedBuffRunsOverGrpc() throws Exception {
        List<ToyParticipant> toys = Runs.toys(3, 4, -1);
        try (Loopback loop = new Loopback(dir, 3, 4, true, 3)) {
            loop.startAll(toys);
            Runs.Result r = Runs.run(new FedBuff(new FedBuff.FedBuffConfig(2, 1f, 3, "uniform", "polynomial", 0.5, 0,
                    -1)), toys, loop.transport, Runs.training(0.3, 2), 5, new float[4]);
            assertEquals(5, r.rows().size());
            assertTrue(loop.transport.stats().accepted() >= 10, "a buffer of 2 per version");
            double before = r.rows().get(0).testLoss();
            assertTrue(r.rows().get(4).testLoss() < before, "FedBuff moves towards the targets' mean");
        }
    }

    @Test
    void fedAsyncAndRobustFedAvgRunOverGrpc() throws Exception {
        List<ToyParticipant> toys = Runs.toys(3, 4, -1);
        try (Loopback loop = new Loopback(dir.resolve("async"), 3, 4, false, 3)) {
            loop.startAll(toys);
            Runs.Result r = Runs.run(new FedAsync(new FedAsync.FedAsyncConfig(0.6, "polynomial", 0.5, 0, 0f, 0, -1)),
                    toys, loop.transport, Runs.training(0.3, 2), 6, new float[4]);
            assertEquals(6, r.rows().size());
            assertTrue(r.rows().get(5).testLoss() < r.rows().get(0).testLoss());
        }
        float[] init = {1f, 0f, -1f, 2f};
        Strategy median = new RobustStrategy.Provider().create(new RobustStrategy.RobustFedAvgConfig(1, 3, 1f, 0, 0,
                "median", 0.1, 1, 1, 0));
        Runs.Result local = Runs.run(new RobustStrategy.Provider().create(new RobustStrategy.RobustFedAvgConfig(1,
                3, 1f, 0, 0, "median", 0.1, 1, 1, 0)), toys, LoopbackTransport.immediate(toys),
                Runs.training(0.3, 2), 3, init);
        try (Loopback loop = new Loopback(dir.resolve("robust"), 3, 4, false, 3)) {
            loop.startAll(toys);
            Runs.Result remote = Runs.run(median, toys, loop.transport, Runs.training(0.3, 2), 3, init);
            assertArrayEquals(local.model(), remote.model(), "the coordinate-wise median of the same replies");
        }
    }

    /** A toy participant with something done before its tasks. */
    private abstract static class Wrapped implements Participant {
        final ToyParticipant toy;

        Wrapped(ToyParticipant toy) {
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
    }

    /** Crashes (closes its connection) on its first task, like a killed process. */
    private static final class Crashing extends Wrapped {
        final AtomicReference<GrpcParticipant> self = new AtomicReference<>();
        final CountDownLatch crashed = new CountDownLatch(1);

        Crashing(ToyParticipant toy) {
            super(toy);
        }

        @Override
        public Reply run(Task task, Model worker) {
            self.get().close();
            crashed.countDown();
            return toy.run(task, worker);
        }
    }

    /** Holds its second task until every participant is connected again (so the round after it has them all). */
    private static final class Waiting extends Wrapped {
        final GrpcTransport transport;
        int tasks;

        Waiting(ToyParticipant toy, GrpcTransport transport) {
            super(toy);
            this.transport = transport;
        }

        @Override
        public Reply run(Task task, Model worker) {
            if (++tasks == 2) {
                for (int i = 0; i < 3000 && transport.connected() < 3; i++) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            return toy.run(task, worker);
        }
    }

    @Test
    void aParticipantKilledMidRoundIsDroppedAndRejoins() throws Exception {
        List<ToyParticipant> toys = Runs.toys(3, 3, -1);
        try (Loopback loop = new Loopback(dir, 3, 3, true, 3)) {
            loop.start(new Waiting(toys.get(0), loop.transport));
            loop.start(toys.get(2));
            Crashing c = new Crashing(toys.get(1));
            c.self.set(loop.start(c));
            Thread restarter = new Thread(() -> {
                try {
                    c.crashed.await();
                    loop.start(toys.get(1)); // the same participant comes back
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            restarter.start();
            Runs.Result r = Runs.run(new FedAvg("fedavg", 1, 3, 1f, 0f, 0, 0), toys, loop.transport,
                    Runs.training(0.3, 1), 4, new float[3]);
            restarter.join();
            assertEquals(4, r.rows().size());
            assertEquals(1, r.rows().get(0).failed(), "the crashed participant is dropped from round 1");
            assertTrue(r.eventLog().stream().anyMatch(l -> l.contains("\"e\":\"lost\"") && l.contains("\"p\":1")));
            assertTrue(r.eventLog().stream().anyMatch(l -> l.contains("\"e\":\"idle\"") && l.contains("\"p\":1")),
                    "it rejoins");
            assertTrue(r.eventLog().stream().anyMatch(l -> l.contains("\"e\":\"reply\"") && l.contains("\"p\":1")),
                    "and answers a later round");
            assertTrue(loop.transport.stats().disconnects() >= 1);
        }
    }

    /** Takes {@code millis} over every task (a straggler). */
    private static final class Slow extends Wrapped {
        final long millis;

        Slow(ToyParticipant toy, long millis) {
            super(toy);
            this.millis = millis;
        }

        @Override
        public Reply run(Task task, Model worker) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return toy.run(task, worker);
        }
    }

    @Test
    void theRoundDeadlineClosesRoundsWithoutAStragglerAndMinUpdatesRepeatsOrFails() throws Exception {
        List<ToyParticipant> toys = Runs.toys(3, 3, -1);
        float[] init = {1f, -2f, 0.5f};
        // in process, on a virtual clock: client 2 needs 100 s, the deadline is 10 s
        Runs.Result local = Runs.run(new FedAvg("fedavg", 1, 3, 1f, 0f, 0, 10, 2, 0), toys,
                new LoopbackTransport(toys, new double[] {0, 0, 100}, new double[3], 0), Runs.training(0.3, 1), 3,
                init);
        try (Loopback loop = new Loopback(dir.resolve("deadline"), 3, 3, false, 3)) {
            loop.start(toys.get(0));
            loop.start(toys.get(1));
            loop.start(new Slow(toys.get(2), 3000));
            // a round that a loaded machine closes with fewer than the two prompt updates is repeated (retries 5)
            Runs.Result remote = Runs.run(new FedAvg("fedavg", 1, 3, 1f, 0f, 0, 1.0, 2, 5), toys, loop.transport,
                    Runs.training(0.3, 1), 3, init);
            assertArrayEquals(local.model(), remote.model(), "the two prompt participants' updates, every round");
            assertTrue(remote.rows().stream().allMatch(r -> r.failed() >= 1), "the straggler is cut at each deadline");
        }
        try (Loopback loop = new Loopback(dir.resolve("minimum"), 3, 3, false, 3)) {
            loop.start(toys.get(0));
            loop.start(toys.get(1));
            loop.start(new Slow(toys.get(2), 1500));
            org.dml4j.fl.StallException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.dml4j.fl.StallException.class, () -> Runs.run(new FedAvg("fedavg", 1, 3, 1f, 0f, 0, 0.3, 3,
                            1), toys, loop.transport, Runs.training(0.3, 1), 3, init));
            assertTrue(e.getMessage().contains("round 1 closed with 2 of the min-updates 3")
                    && e.getMessage().contains("repeated 1 time(s)"), e.getMessage());
        }
    }
}
