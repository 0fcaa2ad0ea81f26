package org.dml4j.fl.async;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.dml4j.fl.CoordinatorContext;
import org.dml4j.fl.Event;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.StrategyConfig;
import org.dml4j.fl.StrategyProvider;

/**
 * FedBuff: buffered asynchronous aggregation.
 *
 * <pre>
 * J. Nguyen, K. Malik, H. Zhan, A. Yousefpour, M. Rabbat, M. Malek, D. Huba.
 * Federated Learning with Buffered Asynchronous Aggregation. AISTATS 2022, Algorithm 1.
 * </pre>
 *
 * <p>Up to {@code maxConcurrency} participants train at once, each from the version it was sent. The server buffers
 * their deltas; when {@code K} have arrived it applies {@code x ← x + η_g Σ_i w_i s(τ_i) Δ_i} (in participant-id
 * order) with {@code w_i = 1/K} ({@code uniform}, the paper) or {@code n_i / Σ_j n_j} ({@code samples}, as FedAvg) and
 * a {@link Staleness} weight (the paper's {@code 1/sqrt(1 + τ)} is {@code polynomial} with a = 0.5), makes a new
 * version and refills. Replies staler than {@code maxStaleness} are discarded and counted.
 *
 * <p>With {@code K} = every participant, equal delays and {@code samples} weights it makes the same models as FedAvg
 * with fraction 1 (a test checks it).
 */
public final class FedBuff implements Strategy, org.dml4j.fl.checkpoint.Checkpointable {
    private final FedBuffConfig config;
    private final Staleness staleness;
    private final AsyncDispatcher dispatcher;
    private final List<Reply.Ok> buffer = new ArrayList<>();

    /** @param config the settings */
    public FedBuff(FedBuffConfig config) {
        this.config = config;
        this.staleness = new Staleness(config.staleness(), config.stalenessA(), config.stalenessB());
        this.dispatcher = new AsyncDispatcher(config.maxConcurrency());
    }

    @Override
    public String name() {
        return "fedbuff";
    }

    @Override
    public void onEvent(Event event, CoordinatorContext ctx) {
        switch (event) {
            case Event.Start s -> dispatcher.requestRefill(ctx);
            case Event.ReplyArrived r -> {
                if (r.reply() instanceof Reply.Ok ok) {
                    int tau = ctx.version() - ok.baseVersion();
                    if (config.maxStaleness() >= 0 && tau > config.maxStaleness()) {
                        ctx.discard(ok, "staleness " + tau + " > max-staleness " + config.maxStaleness());
                    } else {
                        buffer.add(ok);
                        if (buffer.size() >= config.bufferSize()) {
                            aggregate(ctx);
                        }
                    }
                }
                dispatcher.requestRefill(ctx);
            }
            case Event.Lost l -> dispatcher.requestRefill(ctx);
            case Event.Idle i -> dispatcher.requestRefill(ctx);
            case Event.Timer t -> {
                if (AsyncDispatcher.isRefill(t)) {
                    dispatcher.refill(ctx, p -> ctx.dispatch(p,
                            ctx.training().stepsFor(ctx.pool().client(p).numSamples()),
                            (float) ctx.training().schedule().rate(ctx.version()), 0f, Double.NaN));
                }
            }
        }
    }

    /** Saves the buffered replies and the dispatcher's state. */
    @Override
    public void save(org.dml4j.core.Snapshot out) {
        org.dml4j.fl.checkpoint.Replies.saveAll(out.under("buffer"), buffer);
        dispatcher.save(out.under("dispatcher"));
    }

    @Override
    public void restore(org.dml4j.core.Snapshot in) {
        buffer.clear();
        buffer.addAll(org.dml4j.fl.checkpoint.Replies.readAll(in.under("buffer"), Integer.MAX_VALUE));
        dispatcher.restore(in.under("dispatcher"));
    }

    private void aggregate(CoordinatorContext ctx) {
        buffer.sort(Comparator.comparingInt(Reply.Ok::participant).thenComparingLong(Reply.Ok::taskId));
        List<Reply.Ok> applied = List.copyOf(buffer);
        buffer.clear();
        ctx.commit(weightedSum(ctx.model(), applied, ctx.version(), config.serverLearningRate(),
                config.weighting().equals("samples"), staleness), applied);
    }

    /**
     * {@code x + η Σ_i w_i s(τ_i) Δ_i}, summed in the given order; the coefficient of each term is rounded to float
     * once, as {@code (float) (η n_i s_i / Σ n)} (samples) or {@code (float) (η s_i / K)} (uniform), so that with
     * {@code s = 1} it is FedAvg's to the bit.
     */
    static float[] weightedSum(float[] x, List<Reply.Ok> replies, int version, float lr, boolean bySamples,
                               Staleness staleness) {
        float[] next = x.clone();
        long total = 0;
        for (Reply.Ok ok : replies) {
            total += ok.numSamples();
        }
        if (bySamples && total == 0) {
            return next;
        }
        for (Reply.Ok ok : replies) {
            double s = staleness.weight(version - ok.baseVersion());
            double coef = bySamples ? (lr * ok.numSamples()) * s / (double) total : lr * s / replies.size();
            ok.update().addTo(next, (float) coef);
        }
        return next;
    }

    /**
     * FedBuff settings.
     *
     * @param bufferSize         K, updates per version, &gt;= 1
     * @param serverLearningRate η_g, &gt; 0
     * @param maxConcurrency     participants training at once, 0 for all
     * @param weighting          {@code uniform} (1/K) or {@code samples} (n_i / Σ n)
     * @param staleness          {@code constant}, {@code polynomial} or {@code hinge}
     * @param stalenessA         the staleness function's a
     * @param stalenessB         the staleness function's b (hinge)
     * @param maxStaleness       replies staler than this many versions are discarded; -1 for no bound
     */
    public record FedBuffConfig(int bufferSize, float serverLearningRate, int maxConcurrency, String weighting,
                                String staleness, double stalenessA, double stalenessB, int maxStaleness)
            implements StrategyConfig {
        /** Validates the fields, naming the bad one. */
        public FedBuffConfig {
            if (bufferSize < 1) {
                throw new IllegalArgumentException("buffer-size must be >= 1, got " + bufferSize);
            }
            if (!(serverLearningRate > 0) || !Float.isFinite(serverLearningRate)) {
                throw new IllegalArgumentException("server-learning-rate must be positive, got "
                        + serverLearningRate);
            }
            if (maxConcurrency < 0) {
                throw new IllegalArgumentException("max-concurrency must be >= 0 (0 for all), got " + maxConcurrency);
            }
            weighting = weighting.toLowerCase(Locale.ROOT);
            if (!weighting.equals("uniform") && !weighting.equals("samples")) {
                throw new IllegalArgumentException("weighting must be 'uniform' or 'samples', got '" + weighting
                        + "'");
            }
            new Staleness(staleness, stalenessA, stalenessB);
            if (maxStaleness < -1) {
                throw new IllegalArgumentException("max-staleness must be >= 0 (or -1 for none), got "
                        + maxStaleness);
            }
        }

        /** @return K = 8 (FedLuck's baseline), η_g = 1, all clients, uniform weights, 1/sqrt(1 + τ), no bound */
        public static FedBuffConfig defaults() {
            return new FedBuffConfig(8, 1f, 0, "uniform", "polynomial", 0.5, 0, -1);
        }
    }

    /** Provider of {@code type = "fedbuff"}. */
    public static final class Provider implements StrategyProvider {
        @Override
        public String name() {
            return "fedbuff";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return FedBuffConfig.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            FedBuffConfig c = (FedBuffConfig) config;
            return new FedBuff(c);
        }
    }
}
