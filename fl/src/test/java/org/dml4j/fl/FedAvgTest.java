package org.dml4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.fl.testing.LoopbackTransport;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.StrategyContract;
import org.dml4j.fl.testing.ToyParticipant;
import org.junit.jupiter.api.Test;

class FedAvgTest extends StrategyContract {
    @Override
    protected Strategy strategy() {
        return new FedAvg("fedavg", 0.5, 1, 1f, 0f, 0, 0);
    }

    private static Reply.Ok ok(int id, int n, float... delta) {
        return new Reply.Ok(id, id, 0, new DenseUpdate(delta), n, 0.5, 1, 0, 0, 0);
    }

    @Test
    void aggregatesSampleWeightedDeltasAsComputedByHand() {
        // Prepare: w = [1, 2]; deltas [2, 0] (n=1), [0, 4] (n=3)
        float[] global = {1f, 2f};
        // Execute
        float[] next = FedAvg.average(global, List.of(ok(0, 1, 2f, 0f), ok(1, 3, 0f, 4f)), 1f);
        // Assert: w + 1/4*[2,0] + 3/4*[0,4] = [1.5, 5]
        assertArrayEquals(new float[] {1.5f, 5f}, next);
        assertArrayEquals(new float[] {1f, 2f}, global, "global must not be modified");
    }

    @Test
    void serverLearningRateScalesTheAverage() {
        float[] next = FedAvg.average(new float[] {0f, 0f}, List.of(ok(0, 2, 4f, -2f), ok(2, 2, 0f, 2f)), 0.5f);
        // 0.5 * (1/2*[4,-2] + 1/2*[0,2]) = [1, 0]
        assertArrayEquals(new float[] {1f, 0f}, next);
        assertArrayEquals(new float[] {3f}, FedAvg.average(new float[] {3f}, List.of(), 1f));
    }

    @Test
    void aggregationDoesNotDependOnReplyOrderOnceSorted() {
        SplittableRandom r = new SplittableRandom(3);
        List<Reply.Ok> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            float[] d = new float[5];
            for (int j = 0; j < d.length; j++) {
                d[j] = (float) r.nextGaussian();
            }
            replies.add(ok(i, 1 + r.nextInt(100), d));
        }
        float[] a = FedAvg.average(new float[5], replies, 1f);
        List<Reply.Ok> shuffled = new ArrayList<>(replies);
        Collections.shuffle(shuffled, new java.util.Random(1));
        shuffled.sort((x, y) -> Integer.compare(x.participant(), y.participant()));
        assertArrayEquals(a, FedAvg.average(new float[5], shuffled, 1f));
    }

    @Test
    void arrivalOrderDoesNotChangeTheRound() {
        // the same cohort answering in opposite orders gives the same model
        List<ToyParticipant> toys = Runs.toys(4, 3, -1);
        double[] fastFirst = {0.1, 0.2, 0.3, 0.4};
        double[] slowFirst = {0.4, 0.3, 0.2, 0.1};
        FedAvg all = new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0);
        float[] a = Runs.run(all, toys, new LoopbackTransport(toys, fastFirst, new double[4], 0),
                Runs.training(0.1, 3), 3, new float[3]).model();
        float[] b = Runs.run(new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0), toys,
                new LoopbackTransport(toys, slowFirst, new double[4], 0), Runs.training(0.1, 3), 3,
                new float[3]).model();
        assertArrayEquals(a, b);
    }

    @Test
    void overSelectionCutsTheSlowestAndTheDeadlineClosesTheRound() {
        List<ToyParticipant> toys = Runs.toys(4, 3, -1);
        double[] perStep = {1, 2, 3, 100};
        // k = 2 wanted, 4 dispatched (over-select 1.0): the two fastest are aggregated, the other two cancelled
        Runs.Result over = Runs.run(new FedAvg("fedavg", 0.5, 1, 1f, 0f, 1.0, 0), toys,
                new LoopbackTransport(toys, perStep, new double[4], 0), Runs.training(0.1, 1), 2, new float[3]);
        RoundMetrics first = over.rows().get(0);
        assertEquals(4, first.clients());
        assertEquals(2, first.failed(), "two stragglers cancelled");
        assertEquals(2.0, first.simSeconds(), 1e-12, "the round closes when the second client answers");
        assertEquals(2, over.coordinator().stats().cancelled(3));
        // all four wanted, deadline 10 s: client 3 (100 s) is cut at the deadline
        Runs.Result deadline = Runs.run(new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 10), toys,
                new LoopbackTransport(toys, perStep, new double[4], 0), Runs.training(0.1, 1), 2, new float[3]);
        assertEquals(10.0, deadline.rows().get(0).simSeconds(), 1e-12);
        assertEquals(1, deadline.rows().get(0).failed());
        assertEquals(20.0, deadline.rows().get(1).simSeconds(), 1e-12);
    }

    @Test
    void samplesDistinctSortedClients() {
        for (int seed = 0; seed < 50; seed++) {
            int[] ids = FedAvg.sampleWithoutReplacement(20, 10, new SplittableRandom(seed));
            assertEquals(10, ids.length);
            assertEquals(10, Arrays.stream(ids).distinct().count());
            for (int i = 1; i < ids.length; i++) {
                assertTrue(ids[i] > ids[i - 1]);
            }
            assertTrue(ids[0] >= 0 && ids[9] < 20);
        }
        FedAvg f = new FedAvg("fedavg", 0.5, 1, 1f, 0f, 0, 0);
        assertEquals(10, f.clientsPerRound(20));
        assertEquals(3, new FedAvg("fedavg", 0.01, 3, 1f, 0f, 0, 0).clientsPerRound(20));
    }

    @Test
    void badSettingsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FedAvg.FedAvgConfig(1.5, 1, 1f, 0, 0));
        assertTrue(e.getMessage().contains("fraction") && e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FedAvg.FedProxConfig(0.5, 1, 1f, -1f, 0, 0, 0, 3));
        assertTrue(e.getMessage().contains("mu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FedAvg.FedAvgConfig(0.5, 1, 1f, 0, -2));
        assertTrue(e.getMessage().contains("deadline") && e.getMessage().contains("-2"), e.getMessage());
    }

    @Test
    void aRoundBelowMinUpdatesCommitsNothingAndIsRepeated() {
        List<ToyParticipant> toys = Runs.toys(4, 3, -1);
        // every 7th dispatch is lost: dispatches 1-4 commit version 1; of 5-8 one is lost, so that round is repeated
        // (9-12 commit version 2); of 13-16 one is lost again (17-20 commit version 3)
        Runs.Result strict = Runs.run(new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0, 4, 3), toys,
                new LoopbackTransport(toys, new double[] {1, 1, 1, 1}, new double[4], 7), Runs.training(0.1, 1), 3,
                new float[3]);
        assertEquals(List.of(4, 8, 8), strict.rows().stream().map(RoundMetrics::clients).toList());
        assertEquals(List.of(0, 1, 1), strict.rows().stream().map(RoundMetrics::failed).toList());
        // without the minimum the rounds with a lost client commit the other three
        Runs.Result loose = Runs.run(new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0), toys,
                new LoopbackTransport(toys, new double[] {1, 1, 1, 1}, new double[4], 7), Runs.training(0.1, 1), 3,
                new float[3]);
        assertEquals(List.of(4, 4, 4), loose.rows().stream().map(RoundMetrics::clients).toList());
        Runs.Result clean = Runs.run(new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 0), toys,
                new LoopbackTransport(toys, new double[] {1, 1, 1, 1}, new double[4], 0), Runs.training(0.1, 1), 3,
                new float[3]);
        assertTrue(!Arrays.equals(clean.model(), loose.model()), "the loose run averaged rounds of three");
        RunStats st = strict.coordinator().stats();
        assertEquals(2, st.lost(0) + st.lost(1) + st.lost(2) + st.lost(3), "two lost tasks, two repeated rounds");
    }

    @Test
    void aVersionThatNeverReachesMinUpdatesFailsTheRunNamingTheCounts() {
        List<ToyParticipant> toys = Runs.toys(4, 3, -1);
        // client 3 needs 100 s, the deadline is 10 s: every attempt closes with 3 of the 4 updates wanted
        StallException e = assertThrows(StallException.class, () -> Runs.run(new FedAvg("fedavg", 1.0, 1, 1f, 0f,
                0, 10, 4, 2), toys, new LoopbackTransport(toys, new double[] {1, 2, 3, 100}, new double[4], 0),
                Runs.training(0.1, 1), 2, new float[3]));
        assertTrue(e.getMessage().contains("round 1 closed with 3 of the min-updates 4")
                && e.getMessage().contains("deadline 10.0 s passed") && e.getMessage().contains("repeated 2 time(s)"),
                e.getMessage());
        // min-updates 3 is met at the deadline
        Runs.Result met = Runs.run(new FedAvg("fedavg", 1.0, 1, 1f, 0f, 0, 10, 3, 0), toys,
                new LoopbackTransport(toys, new double[] {1, 2, 3, 100}, new double[4], 0), Runs.training(0.1, 1), 2,
                new float[3]);
        assertEquals(10.0, met.rows().get(0).simSeconds(), 1e-12);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new FedAvg.FedAvgConfig(0.5, 1, 1f, 0, 0, -1, 3));
        assertTrue(bad.getMessage().contains("min-updates") && bad.getMessage().contains("-1"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> new FedAvg.FedAvgConfig(0.5, 1, 1f, 0, 0, 1, -1));
        assertTrue(bad.getMessage().contains("round-retries"), bad.getMessage());
    }
}
