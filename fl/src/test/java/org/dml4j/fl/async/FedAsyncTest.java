package org.dml4j.fl.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.fl.StallException;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.testing.LoopbackTransport;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.StrategyContract;
import org.dml4j.fl.testing.ToyParticipant;
import org.junit.jupiter.api.Test;

class FedAsyncTest extends StrategyContract {
    @Override
    protected Strategy strategy() {
        return new FedAsync(new FedAsync.FedAsyncConfig(0.6, "polynomial", 0.5, 0, 0f, 0, -1));
    }

    @Test
    void mixingWeightOneWithOneClientAndNoDelaysIsSequentialLocalTraining() {
        List<ToyParticipant> one = Runs.toys(1, 5, -1);
        Runs.Result r = Runs.run(new FedAsync(new FedAsync.FedAsyncConfig(1.0, "constant", 0, 0, 0f, 0, -1)), one,
                LoopbackTransport.immediate(one), Runs.training(0.05, 3), 7, new float[5]);
        float[] sequential = new float[5];
        ToyParticipant.train(sequential, 7 * 3, 0.05f, one.get(0).target());
        // x_{t+1} = x_τ + (w_end − x_τ): equal up to the rounding of that difference in float
        assertArrayEquals(sequential, r.model(), 1e-6f);
        assertEquals(7, r.rows().size());
        assertEquals(0.0, r.rows().get(6).simSeconds());
        assertEquals(7, r.coordinator().stats().stalenessHistogram()[0], "every update is fresh");
    }

    @Test
    void stalerUpdatesCountLessAndTheBoundDiscardsThem() {
        List<ToyParticipant> toys = Runs.toys(3, 2, -1);
        double[] perStep = {0.1, 0.5, 2};
        Runs.Result bounded = Runs.run(new FedAsync(new FedAsync.FedAsyncConfig(0.5, "hinge", 1, 2, 0f, 0, 3)),
                toys, new LoopbackTransport(toys, perStep, new double[3], 0), Runs.training(0.1, 2), 60,
                new float[2]);
        assertTrue(bounded.coordinator().stats().discarded(2) > 0, "the slow client is too stale at times");
        assertTrue(bounded.coordinator().stats().maxStaleness() <= 3, "nothing staler than the bound is applied");
        int failedInRows = bounded.rows().stream().mapToInt(m -> m.failed()).sum();
        assertTrue(failedInRows >= bounded.coordinator().stats().discarded(2), "discards are counted in metrics");
    }

    @Test
    void stalenessFunctions() {
        assertEquals(1.0, Staleness.constant().weight(9));
        assertEquals(1 / Math.sqrt(4), new Staleness("polynomial", 0.5, 0).weight(3), 1e-15);
        Staleness hinge = new Staleness("hinge", 2, 4);
        assertEquals(1.0, hinge.weight(4));
        assertEquals(1 / (2.0 * 2 + 1), hinge.weight(6), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Staleness("cubic", 1, 0));
        assertTrue(e.getMessage().contains("cubic"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new FedAsync.FedAsyncConfig(1.5, "constant", 0, 0, 0f, 0, -1));
        assertTrue(e.getMessage().contains("mixing") && e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void aRunWhoseTasksAllFailIsReportedNotHung() {
        List<ToyParticipant> failing = List.of(new ToyParticipant(0, 5, new float[2], true),
                new ToyParticipant(1, 5, new float[2], true));
        StallException e = assertThrows(StallException.class, () -> Runs.run(strategy(), failing,
                LoopbackTransport.immediate(failing), Runs.training(0.1, 1), 3, new float[2]));
        assertTrue(e.getMessage().contains("version 0 of 3") && e.getMessage().contains("failed="),
                e.getMessage());
    }
}
