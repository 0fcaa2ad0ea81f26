package org.dml4j.fl.async;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dml4j.fl.CoordinatorContext;
import org.dml4j.fl.Event;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.StrategyConfig;
import org.dml4j.fl.StrategyProvider;

/**
 * FedAsync: every arriving update is mixed into the global model at once.
 *
 * <pre>
 * C. Xie, S. Koyejo, I. Gupta. Asynchronous Federated Optimization. OPT 2020 (arXiv 1903.03934), Algorithm 1.
 * </pre>
 *
 * <p>A participant trains from {@code x_τ} (the version it was sent) to {@code x_new = x_τ + Δ}; on arrival at version
 * {@code t} the server sets {@code x_{t+1} = (1 − α_t) x_t + α_t x_new} with {@code α_t = α · s(t − τ)} (a
 * {@link Staleness} function), then redispatches. Clients may add the proximal term {@code (ρ/2)‖w − x_τ‖²}
 * ({@code mu}). Replies staler than {@code maxStaleness} versions are discarded and counted. The learning rate of a
 * task is the schedule's at the current version.
 *
 * <p>Under downlink compression {@code x_τ} is the server's model of version τ, while the participant trained from
 * its replica; the difference is the downlink's residual (error feedback sends it later).
 */
public final class FedAsync implements Strategy, org.dml4j.fl.checkpoint.Checkpointable {
    private final FedAsyncConfig config;
    private final Staleness staleness;
    private final AsyncDispatcher dispatcher;
    private final Map<Long, float[]> bases = new HashMap<>();

    /** @param config the settings */
    public FedAsync(FedAsyncConfig config) {
        this.config = config;
        this.staleness = new Staleness(config.staleness(), config.stalenessA(), config.stalenessB());
        this.dispatcher = new AsyncDispatcher(config.maxConcurrency());
    }

    @Override
    public String name() {
        return "fedasync";
    }

    @Override
    public void onEvent(Event event, CoordinatorContext ctx) {
        switch (event) {
            case Event.Start s -> dispatcher.requestRefill(ctx);
            case Event.ReplyArrived r -> {
                float[] base = bases.remove(r.reply().taskId());
                if (r.reply() instanceof Reply.Ok ok) {
                    mix(ok, base, ctx);
                }
                dispatcher.requestRefill(ctx);
            }
            case Event.Lost l -> {
                bases.remove(l.taskId());
                dispatcher.requestRefill(ctx);
            }
            case Event.Idle i -> dispatcher.requestRefill(ctx);
            case Event.Timer t -> {
                if (AsyncDispatcher.isRefill(t)) {
                    dispatcher.refill(ctx, p -> {
                        long id = ctx.dispatch(p, ctx.training().stepsFor(ctx.pool().client(p).numSamples()),
                                (float) ctx.training().schedule().rate(ctx.version()), config.mu(), Double.NaN);
                        bases.put(id, ctx.model());
                    });
                }
            }
        }
    }

    /** Saves the base model of every task in flight (by task id) and the dispatcher's state. */
    @Override
    public void save(org.dml4j.core.Snapshot out) {
        long[] ids = bases.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        out.putLongs("tasks", ids);
        for (long id : ids) {
            out.putFloats("base/" + id, bases.get(id));
        }
        dispatcher.save(out.under("dispatcher"));
    }

    @Override
    public void restore(org.dml4j.core.Snapshot in) {
        bases.clear();
        for (long id : in.getLongs("tasks")) {
            bases.put(id, in.getFloats("base/" + id));
        }
        dispatcher.restore(in.under("dispatcher"));
    }

    private void mix(Reply.Ok ok, float[] base, CoordinatorContext ctx) {
        int tau = ctx.version() - ok.baseVersion();
        if (config.maxStaleness() >= 0 && tau > config.maxStaleness()) {
            ctx.discard(ok, "staleness " + tau + " > max-staleness " + config.maxStaleness());
            return;
        }
        double a = config.mixing() * staleness.weight(tau);
        float[] local = base.clone();
        ok.update().addTo(local, 1f);
        float[] x = ctx.model();
        float[] next = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            next[i] = (float) ((1 - a) * x[i] + a * local[i]);
        }
        ctx.commit(next, List.of(ok));
    }

    /**
     * FedAsync settings.
     *
     * @param mixing         α in (0, 1]
     * @param staleness      {@code constant}, {@code polynomial} or {@code hinge}
     * @param stalenessA     the staleness function's a
     * @param stalenessB     the staleness function's b (hinge)
     * @param mu             the clients' proximal coefficient ρ, &gt;= 0
     * @param maxConcurrency participants training at once, 0 for all
     * @param maxStaleness   replies staler than this many versions are discarded; -1 for no bound
     */
    public record FedAsyncConfig(double mixing, String staleness, double stalenessA, double stalenessB, float mu,
                                 int maxConcurrency, int maxStaleness) implements StrategyConfig {
        /** Validates the fields, naming the bad one. */
        public FedAsyncConfig {
            if (!(mixing > 0 && mixing <= 1)) {
                throw new IllegalArgumentException("mixing must be in (0, 1], got " + mixing);
            }
            new Staleness(staleness, stalenessA, stalenessB);
            if (!(mu >= 0) || !Float.isFinite(mu)) {
                throw new IllegalArgumentException("mu must be >= 0, got " + mu);
            }
            if (maxConcurrency < 0) {
                throw new IllegalArgumentException("max-concurrency must be >= 0 (0 for all), got " + maxConcurrency);
            }
            if (maxStaleness < -1) {
                throw new IllegalArgumentException("max-staleness must be >= 0 (or -1 for none), got "
                        + maxStaleness);
            }
        }

        /** @return α = 0.4 with constant staleness and ρ = 0.001 (FedLuck's baseline settings), all clients, no bound */
        public static FedAsyncConfig defaults() {
            return new FedAsyncConfig(0.4, "constant", 0.5, 4, 0.001f, 0, -1);
        }
    }

    /** Provider of {@code type = "fedasync"}. */
    public static final class Provider implements StrategyProvider {
        @Override
        public String name() {
            return "fedasync";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return FedAsyncConfig.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            return new FedAsync((FedAsyncConfig) config);
        }
    }
}
