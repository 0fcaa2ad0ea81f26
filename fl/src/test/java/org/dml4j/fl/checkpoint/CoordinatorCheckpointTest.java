package org.dml4j.fl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.ClientRound;
import org.dml4j.fl.Coordinator;
import org.dml4j.fl.CoordinatorListener;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.async.FedBuff;
import org.dml4j.fl.testing.LoopbackTransport;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.ToyParticipant;
import org.dml4j.model.EvalResult;
import org.junit.jupiter.api.Test;

/** The coordinator's and strategies' state round-trips through a checkpoint file, and unsupported ones say so. */
class CoordinatorCheckpointTest {
    private static final int DIM = 6;

    private static Coordinator coordinator(Strategy s, List<ToyParticipant> toys, CoordinatorListener l) {
        double[] steps = new double[toys.size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = 0.5 + 0.25 * i; // unequal delays: asynchronous strategies hold replies and tasks in flight
        }
        return new Coordinator(new Coordinator.Settings(5, 8, 2, Runs.pool(toys), Runs.training(0.1, 2),
                new float[DIM], null, null), s, new LoopbackTransport(toys, steps, new double[toys.size()], 0),
                w -> new EvalResult(1, w[0], 0.5), l);
    }

    private static void roundTrip(Supplier<Strategy> strategy) {
        // Prepare: a run that saves its state when version 4 is made
        List<ToyParticipant> toys = Runs.toys(5, DIM, -1);
        Snapshot[] saved = {null};
        Coordinator[] c = {null};
        List<ClientRound> outcomes = new ArrayList<>();
        c[0] = coordinator(strategy.get(), toys, new CoordinatorListener() {
            @Override
            public void onRow(RoundMetrics m) {
                if (m.round() == 4) {
                    saved[0] = new Snapshot();
                    c[0].save(saved[0].under("coordinator"));
                }
            }

            @Override
            public void onClientRound(ClientRound r) {
                outcomes.add(r);
            }
        });
        List<RoundMetrics> rows = c[0].run();
        assertNotNull(saved[0]);
        // Execute: through a file's bytes into a fresh coordinator, saved again
        Snapshot read = CheckpointFile.decode(CheckpointFile.encode(saved[0]));
        Coordinator fresh = coordinator(strategy.get(), toys, m -> { });
        fresh.restore(read.under("coordinator"));
        Snapshot again = new Snapshot();
        fresh.save(again.under("coordinator"));
        // Assert
        assertTrue(saved[0].equals(again), "restoring and saving again gives the same checkpoint");
        assertEquals(rows.subList(0, 4), fresh.rows());
        long up = outcomes.stream().filter(o -> o.round() == 3).mapToLong(ClientRound::bytesUp).sum();
        assertEquals(rows.get(2).bytesUp(), up, "the clients' rows of a round sum to its uplink bytes");
    }

    @Test
    void fedAvgStateRoundTrips() {
        roundTrip(() -> new FedAvg("fedavg", 0.6, 1, 1f, 0f, 0.5, 0));
    }

    @Test
    void fedBuffStateRoundTripsWithRepliesBuffered() {
        roundTrip(() -> new FedBuff(new FedBuff.FedBuffConfig(2, 1f, 3, "uniform", "polynomial", 0.5, 0, -1)));
    }

    @Test
    void aCheckpointOfAnotherRunOrStrategyIsRefused() {
        List<ToyParticipant> toys = Runs.toys(5, DIM, -1);
        Snapshot s = new Snapshot();
        Coordinator[] c = {null};
        c[0] = coordinator(new FedAvg("fedavg", 0.6, 1, 1f, 0f, 0, 0), toys, m -> {
            if (m.round() == 2) {
                c[0].save(s);
            }
        });
        c[0].run();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> coordinator(
                new FedBuff(FedBuff.FedBuffConfig.defaults()), toys, m -> { }).restore(s));
        assertTrue(e.getMessage().contains("strategy-name") && e.getMessage().contains("fedbuff"), e.getMessage());
        assertNull(Coordinator.checkpointUnsupported(new FedAvg("fedavg", 1, 1, 1f, 0f, 0, 0)));
        String why = Coordinator.checkpointUnsupported(new SegmentedGossipStub());
        assertTrue(why.contains("'stub' cannot be checkpointed"), why);
    }

    /** A strategy without checkpoint support. */
    private static final class SegmentedGossipStub implements Strategy {
        @Override
        public String name() {
            return "stub";
        }

        @Override
        public void onEvent(org.dml4j.fl.Event event, org.dml4j.fl.CoordinatorContext ctx) {
        }
    }
}
