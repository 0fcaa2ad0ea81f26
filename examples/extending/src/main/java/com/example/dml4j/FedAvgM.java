package com.example.dml4j;

import java.util.ArrayList;
import java.util.List;
import org.dml4j.fl.CoordinatorContext;
import org.dml4j.fl.Event;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.StrategyConfig;
import org.dml4j.fl.StrategyProvider;

/**
 * An example strategy for the extension guide (docs/extending.md): FedAvg with server momentum (FedAvgM, Hsu, Qi and
 * Brown, "Measuring the Effects of Non-Identical Data Distribution for Federated Visual Classification", 2019):
 * {@code v ← β v + Δ̄}, {@code w ← w + η_s v}, where {@code Δ̄} is the sample-weighted mean update of a round's
 * cohort. Rounds are synchronous: a cohort of {@code fraction} of the clients is dispatched, and the round closes
 * when every dispatched client answered or was lost. Selected by {@code type = "fedavgm"}.
 */
public final class FedAvgM implements Strategy {
    private final Config config;
    private final List<Reply.Ok> buffer = new ArrayList<>();
    private float[] velocity;
    private int waiting;

    /** @param config the settings */
    public FedAvgM(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "fedavgm";
    }

    @Override
    public void onEvent(Event event, CoordinatorContext ctx) {
        switch (event) {
            case Event.Start s -> startRound(ctx);
            case Event.Idle i -> {
                if (waiting == 0) {
                    startRound(ctx);
                }
            }
            case Event.ReplyArrived r -> {
                if (r.reply() instanceof Reply.Ok ok) {
                    buffer.add(ok);
                }
                answered(ctx);
            }
            case Event.Lost l -> answered(ctx);
            case Event.Timer t -> { }
        }
    }

    private void startRound(CoordinatorContext ctx) {
        int[] idle = ctx.idle();
        int k = Math.min(idle.length, Math.max(1, (int) Math.round(config.fraction() * ctx.pool().size())));
        float lr = (float) ctx.training().schedule().rate(ctx.version());
        buffer.clear();
        waiting = k;
        // a seeded shuffle of the idle clients: same seed, same cohorts
        java.util.SplittableRandom rng = ctx.random("sample", ctx.version() + 1);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(idle.length - i);
            int id = idle[j];
            idle[j] = idle[i];
            idle[i] = id;
            ctx.dispatch(id, ctx.training().stepsFor(ctx.pool().client(id).numSamples()), lr, 0f, Double.NaN);
        }
    }

    private void answered(CoordinatorContext ctx) {
        if (waiting == 0 || --waiting > 0) {
            return;
        }
        float[] w = ctx.model();
        buffer.sort(java.util.Comparator.comparingInt(Reply.Ok::participant));
        float[] mean = FedAvg.average(w, buffer, 1f);
        if (velocity == null) {
            velocity = new float[w.length];
        }
        float[] next = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            velocity[i] = config.momentum() * velocity[i] + (mean[i] - w[i]);
            next[i] = w[i] + config.serverLearningRate() * velocity[i];
        }
        ctx.commit(next, List.copyOf(buffer));
        if (!ctx.finished()) {
            startRound(ctx);
        }
    }

    /**
     * The {@code [strategy]} keys of {@code type = "fedavgm"}.
     *
     * @param fraction           fraction of the clients in each round's cohort, in (0, 1]
     * @param momentum           server momentum β, in [0, 1)
     * @param serverLearningRate server step η_s, &gt; 0
     */
    public record Config(double fraction, float momentum, float serverLearningRate) implements StrategyConfig {
        /** Validates, naming the field and the value. */
        public Config {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            if (!(serverLearningRate > 0)) {
                throw new IllegalArgumentException("server-learning-rate must be > 0, got " + serverLearningRate);
            }
        }

        /** @return the defaults of Hsu et al.'s sweeps: β = 0.9, η_s = 1, a tenth of the clients */
        public static Config defaults() {
            return new Config(0.1, 0.9f, 1f);
        }
    }

    /** Registered in META-INF/services/org.dml4j.fl.StrategyProvider. */
    public static final class Provider implements StrategyProvider {
        @Override
        public String name() {
            return "fedavgm";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return Config.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            return new FedAvgM((Config) config);
        }
    }
}
