package org.dml4j.fl.robust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.StrategyProvider;
import org.dml4j.fl.Task;
import org.dml4j.fl.testing.LoopbackTransport;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.ToyParticipant;
import org.dml4j.model.Model;
import org.junit.jupiter.api.Test;

/** Robust rules under FedAvg's rounds: equal to FedAvg with the mean, robust to sign-flipped scaled updates. */
class RobustStrategyTest {
    /** Sends its honest update sign-flipped and scaled by 50. */
    private static final class Attacker extends ToyParticipantWrapper {
        Attacker(ToyParticipant toy) {
            super(toy);
        }

        @Override
        public Reply run(Task task, Model worker) {
            Reply.Ok ok = (Reply.Ok) toy.run(task, worker);
            float[] d = new float[task.model().length];
            ok.update().addTo(d, -50f);
            return new Reply.Ok(ok.participant(), ok.taskId(), ok.baseVersion(), new DenseUpdate(d), ok.numSamples(),
                    ok.trainLoss(), ok.steps(), 0, 0, 0);
        }
    }

    private static class ToyParticipantWrapper implements org.dml4j.fl.Participant {
        final ToyParticipant toy;

        ToyParticipantWrapper(ToyParticipant toy) {
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
            return toy.run(task, worker);
        }
    }

    private static Strategy robust(String rule) {
        return new RobustStrategy.Provider().create(new RobustStrategy.RobustFedAvgConfig(1, 1, 1f, 0, 0, rule, 0.2,
                2, 3, 0));
    }

    private static double distanceToMean(float[] w, List<ToyParticipant> honest) {
        double s = 0;
        for (int j = 0; j < w.length; j++) {
            double m = 0;
            for (ToyParticipant p : honest) {
                m += p.target()[j] / honest.size();
            }
            s += (w[j] - m) * (w[j] - m);
        }
        return Math.sqrt(s);
    }

    @Test
    void theMeanRuleIsFedAvg() {
        List<ToyParticipant> toys = Runs.toys(4, 3, -1);
        Runs.Result plain = Runs.run(new FedAvg("fedavg", 1, 1, 1f, 0f, 0, 0), toys,
                LoopbackTransport.immediate(toys), Runs.training(0.4, 2), 3, new float[3]);
        Runs.Result mean = Runs.run(robust("mean"), toys, LoopbackTransport.immediate(toys), Runs.training(0.4, 2),
                3, new float[3]);
        assertArrayEquals(plain.model(), mean.model(), 1e-6f);
    }

    @Test
    void robustRulesResistTwoAttackersOfTenWhileTheMeanDoesNot() {
        List<ToyParticipant> honest = Runs.toys(10, 3, -1);
        List<org.dml4j.fl.Participant> all = new ArrayList<>();
        for (ToyParticipant t : honest) {
            all.add(t.id() < 2 ? new Attacker(t) : new ToyParticipantWrapper(t));
        }
        List<ToyParticipant> good = honest.subList(2, 10);
        double meanDist = Double.NaN;
        for (String rule : List.of("mean", "median", "trimmed-mean", "krum", "multi-krum")) {
            Runs.Result r = Runs.run(robust(rule), honest, new LoopbackTransport(all, new double[10],
                    new double[10], 0), Runs.training(0.5, 3), 6, new float[3]);
            double d = distanceToMean(r.model(), good);
            if (rule.equals("mean")) {
                meanDist = d;
                assertTrue(d > 5, "plain averaging is pulled away by the attackers: " + d);
            } else {
                assertTrue(d < 0.5, rule + " stays near the honest targets: " + d);
            }
        }
        assertTrue(meanDist > 5);
    }

    @Test
    void registeredAndValidated() {
        assertEquals("robust-fedavg", StrategyProvider.REGISTRY.get("robust-fedavg").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RobustStrategy.AggregationConfig("mode", 0.1, 1, 1, 0));
        assertTrue(e.getMessage().contains("'mode'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RobustStrategy.AggregationConfig("median", 0.5, 1, 1,
                0));
    }
}
