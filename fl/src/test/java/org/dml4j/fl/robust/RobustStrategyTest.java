package org.dml4j.fl.robust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.compress.SignCompressor;
import org.dml4j.compress.SignConfig;
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

/**
 * Robust rules under FedAvg's rounds: equal to FedAvg with the mean; with 2 of 10 participants sending sign-flipped or
 * scaled updates, the median, trimmed mean, Krum and multi-Krum stay near the honest optimum and the mean does not.
 */
class RobustStrategyTest {
    /** Sends its honest update times {@code factor}: −50 flips its sign and scales it, +50 only scales it. */
    private static final class Attacker extends ToyParticipantWrapper {
        private final float factor;

        Attacker(ToyParticipant toy, float factor) {
            super(toy);
            this.factor = factor;
        }

        @Override
        public Reply run(Task task, Model worker) {
            Reply.Ok ok = (Reply.Ok) toy.run(task, worker);
            float[] d = new float[task.model().length];
            ok.update().addTo(d, factor);
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

    /** Sends the same update whatever it is asked. */
    private static final class Fixed extends ToyParticipantWrapper {
        private final CompressedUpdate update;

        Fixed(ToyParticipant toy, CompressedUpdate update) {
            super(toy);
            this.update = update;
        }

        @Override
        public Reply run(Task task, Model worker) {
            return new Reply.Ok(id(), task.id(), task.version(), update, numSamples(), 0, 1, 0, 0, 0);
        }
    }

    private static Strategy robust(String rule) {
        return robust(rule, 1f);
    }

    private static Strategy robust(String rule, float serverLearningRate) {
        return new RobustStrategy.Provider().create(new RobustStrategy.RobustFedAvgConfig(1, 1, serverLearningRate,
                0, 0, rule, 0.2, 2, 3, 0));
    }

    /** One round of the strategy over participants that send these updates, from the zero model. */
    private static float[] oneRound(Strategy strategy, CompressedUpdate... updates) {
        int dim = updates[0].dim();
        List<ToyParticipant> toys = Runs.toys(updates.length, dim, -1);
        List<org.dml4j.fl.Participant> fixed = new ArrayList<>();
        for (int i = 0; i < updates.length; i++) {
            fixed.add(new Fixed(toys.get(i), updates[i]));
        }
        return Runs.run(strategy, toys, LoopbackTransport.immediate(fixed), Runs.training(0.1, 1), 1,
                new float[dim]).model();
    }

    @Test
    void majorityVoteMatchesAHandComputedRound() {
        // votes per coordinate: (+,-,+) -> +, (-,-,+) -> -, (+,+,-) -> +, (0,0,0) -> tie, no move;
        // ρ = mean of ‖Δ_i‖₁ / d = (3.5 + 4 + 5) / 3 / 4 = 1.0416667
        float[] w = oneRound(robust("majority-vote", 0.5f),
                new DenseUpdate(new float[] {1, -2, 0.5f, 0}),
                new DenseUpdate(new float[] {-1, -1, 2, 0}),
                new DenseUpdate(new float[] {3, 1, -1, 0}));
        float step = 0.5f * (float) (12.5 / 3 / 4);
        assertArrayEquals(new float[] {step, -step, step, 0}, w, 1e-6f);
    }

    @Test
    void majorityVoteOfSignCodesIsThePapersStepAndIgnoresScales() {
        float[][] deltas = {{0.1f, -0.2f, 0.3f, -0.4f, 0.5f}, {0.2f, 0.1f, -0.1f, -0.3f, 0.1f},
            {-50f, -50f, -50f, 50f, 50f}};
        CompressedUpdate[] plain = new CompressedUpdate[3];
        CompressedUpdate[] scaled = new CompressedUpdate[3];
        for (int i = 0; i < 3; i++) {
            plain[i] = new SignCompressor(new SignConfig(false, null, false, null, false))
                    .newState(5, new SplittableRandom(i)).compress(deltas[i]);
            scaled[i] = new SignCompressor(SignConfig.scaled(false)).newState(5, new SplittableRandom(i))
                    .compress(deltas[i]);
        }
        // unscaled signs: ρ = 1, so w = η · sign(votes) = 0.01 · (+, -, -, -, +), the loud third worker outvoted
        assertArrayEquals(new float[] {0.01f, -0.01f, -0.01f, -0.01f, 0.01f}, oneRound(robust("majority-vote",
                0.01f), plain), 1e-7f);
        // scaled signs vote the same way; the mean of the clients' scales sets the step
        float rho = (float) ((0.3 + 0.16 + 50) / 3);
        assertArrayEquals(new float[] {rho, -rho, -rho, -rho, rho}, oneRound(robust("majority-vote"), scaled),
                1e-4f);
        // the mean rule is pulled by the third worker's scale instead
        float[] mean = oneRound(robust("mean"), scaled);
        assertTrue(mean[0] < 0, "the mean follows the loud worker: " + mean[0]);
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
    void robustRulesResistTwoSignFlippingOrScalingAttackersOfTenWhileTheMeanDoesNot() {
        List<ToyParticipant> honest = Runs.toys(10, 3, -1);
        List<ToyParticipant> good = honest.subList(2, 10);
        for (float factor : new float[] {-50f, 50f}) {
            List<org.dml4j.fl.Participant> all = new ArrayList<>();
            for (ToyParticipant t : honest) {
                all.add(t.id() < 2 ? new Attacker(t, factor) : new ToyParticipantWrapper(t));
            }
            for (String rule : List.of("mean", "median", "trimmed-mean", "krum", "multi-krum")) {
                // trim 0.2 of 10 drops 2 at each end; Krum with byzantine = 2; multi-Krum averages krum-m = 3
                Runs.Result r = Runs.run(robust(rule), honest, new LoopbackTransport(all, new double[10],
                        new double[10], 0), Runs.training(0.5, 3), 6, new float[3]);
                double d = distanceToMean(r.model(), good);
                if (rule.equals("mean")) {
                    assertTrue(d > 5, "plain averaging is pulled away by the attackers (x" + factor + "): " + d);
                } else {
                    assertTrue(d < 0.5, rule + " stays near the honest targets (x" + factor + "): " + d);
                }
            }
        }
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
