package org.dml4j.fl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Strategy;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Strategy} must do, run by the {@link org.dml4j.fl.Coordinator} over a {@link LoopbackTransport}:
 * reach the final version with participants of different speeds, with a participant whose tasks all fail, and with
 * lost tasks; never dispatch to a busy participant (the coordinator would throw); and give the same event log for the
 * same seeds. Subclass it and implement {@link #strategy()}.
 */
public abstract class StrategyContract {
    /** @return a fresh strategy */
    protected abstract Strategy strategy();

    private static final int N = 6;

    private Runs.Result run(int failId, int loseEvery) {
        List<ToyParticipant> toys = Runs.toys(N, 3, failId);
        double[] perStep = new double[N];
        double[] upload = new double[N];
        for (int i = 0; i < N; i++) {
            perStep[i] = 0.1 * (1 + i % 3);
            upload[i] = 0.5 * (N - i);
        }
        return Runs.run(strategy(), toys, new LoopbackTransport(toys, perStep, upload, loseEvery),
                Runs.training(0.1, 4), 12, new float[3]);
    }

    @Test
    void reachesTheFinalVersionWithHeterogeneousParticipants() {
        Runs.Result r = run(-1, 0);
        assertEquals(12, r.rows().size());
        double t = 0;
        for (RoundMetrics m : r.rows()) {
            assertTrue(m.simSeconds() >= t, "virtual time must not go back: " + m);
            t = m.simSeconds();
        }
        double initial = Runs.evaluate(new float[3], Runs.toys(N, 3, -1)).loss();
        assertTrue(r.rows().get(11).testLoss() < initial, "the model must move towards the participants' targets");
    }

    @Test
    void survivesAParticipantWhoseTasksFail() {
        Runs.Result r = run(2, 0);
        assertEquals(12, r.rows().size());
        var stats = r.coordinator().stats();
        assertEquals(0, stats.answered(2));
        assertEquals(stats.dispatched(2), stats.failed(2) + stats.cancelled(2) + (r.coordinator().busy(2) ? 1 : 0),
                "every task of participant 2 failed (or was cancelled, or is still running at the end)");
        assertTrue(r.rows().stream().mapToInt(RoundMetrics::failed).sum() >= stats.failed(2),
                "failures are counted in the metrics");
    }

    @Test
    void survivesLostTasks() {
        Runs.Result r = run(-1, 3);
        assertEquals(12, r.rows().size());
        int lost = 0;
        for (int p = 0; p < N; p++) {
            lost += r.coordinator().stats().lost(p);
        }
        assertTrue(lost > 0, "every third task is lost");
    }

    @Test
    void sameSeedsGiveTheSameEventLog() {
        assertEquals(run(1, 4).eventLog(), run(1, 4).eventLog());
    }
}
