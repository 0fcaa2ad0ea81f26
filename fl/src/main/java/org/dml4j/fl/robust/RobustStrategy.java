package org.dml4j.fl.robust;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.compress.MajorityVote;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.CoordinatorContext;
import org.dml4j.fl.Event;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.StrategyConfig;
import org.dml4j.fl.StrategyProvider;

/**
 * Puts a robust aggregation rule ({@link Aggregators}) under another strategy: the inner strategy decides whom to
 * dispatch and when to commit, and each commit's model becomes {@code w + η_s · A(Δ_1..Δ_k)} over the replies it
 * applied, with {@code A} the rule (after optional per-update norm clipping) instead of the inner strategy's own
 * average. With rule {@code mean} and no clipping it is the sample-weighted FedAvg average. Rows are taken in the
 * order the inner strategy applied them (client-id order for FedAvg), so results do not depend on arrival order.
 *
 * <p>When a round has too few updates for Krum ({@code n ≤ 2f + 2}) that round uses the coordinate-wise median and
 * says so in the run's log.
 *
 * <p>Rule {@code majority-vote} is the server of signSGD with majority vote (Bernstein, Zhao, Azizzadenesheli,
 * Anandkumar, "signSGD with Majority Vote is Communication Efficient and Fault Tolerant", ICLR 2019;
 * {@link MajorityVote}): {@code w ← w + η_s · ρ · sign(Σ_i sign(Δ_i))}, one unweighted vote per update (the paper;
 * sample sizes do not weigh), a tied coordinate does not move, and {@code ρ = (1/k) Σ_i ‖Δ_i‖₁ / d} is the updates'
 * mean magnitude per coordinate. With the sign compressor's {@code scaled = false} every update is ±1, {@code ρ = 1}
 * and {@code η_s} is the paper's server step η; with scaled signs, {@code ρ} is the mean of the clients' scales, so
 * that {@code η_s = 1} moves each coordinate as far as one client's own scaled-sign update would. The clients send
 * signs with any compressor; {@link org.dml4j.compress.SignCompressor}'s packed codes are counted without decoding.
 */
public final class RobustStrategy implements Strategy, org.dml4j.fl.checkpoint.Checkpointable {
    /** The aggregation rules by their configuration names. */
    public enum Rule {
        /** Sample-weighted mean (FedAvg). */
        MEAN,
        /** Coordinate-wise median. */
        MEDIAN,
        /** Coordinate-wise trimmed mean. */
        TRIMMED_MEAN,
        /** Krum: the single update with the lowest score. */
        KRUM,
        /** Multi-Krum: the mean of the {@code krum-m} lowest scores. */
        MULTI_KRUM,
        /** signSGD's majority vote: the sign of the sum of the updates' signs, one vote per update. */
        MAJORITY_VOTE;

        /** @return the configuration name, e.g. {@code trimmed-mean} */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * @param key a configuration name
         * @return the rule
         */
        public static Rule of(String key) {
            for (Rule r : values()) {
                if (r.key().equals(key)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("rule must be one of mean, median, trimmed-mean, krum, multi-krum,"
                    + " majority-vote, got '" + key + "'");
        }
    }

    /**
     * How updates are combined.
     *
     * @param rule      mean, median, trimmed-mean, krum, multi-krum or majority-vote
     * @param trim      fraction trimmed at each end for trimmed-mean, in [0, 0.5)
     * @param byzantine updates Krum tolerates (f), at least 0
     * @param krumM     updates multi-Krum averages, at least 1
     * @param clipNorm  clip each update to this L2 norm first; 0 for none
     */
    public record AggregationConfig(String rule, double trim, int byzantine, int krumM, double clipNorm) {
        /** Validates the fields. */
        public AggregationConfig {
            Rule.of(rule);
            if (!(trim >= 0 && trim < 0.5)) {
                throw new IllegalArgumentException("trim must be in [0, 0.5), got " + trim);
            }
            if (byzantine < 0) {
                throw new IllegalArgumentException("byzantine must be >= 0, got " + byzantine);
            }
            if (krumM < 1) {
                throw new IllegalArgumentException("krum-m must be >= 1, got " + krumM);
            }
            if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
                throw new IllegalArgumentException("clip-norm must be >= 0 (0 for none), got " + clipNorm);
            }
        }
    }

    private final String name;
    private final Strategy inner;
    private final AggregationConfig config;
    private final Rule rule;
    private final float serverLearningRate;

    /**
     * @param name               the type name reported
     * @param inner              decides dispatches and commits
     * @param config             the aggregation rule
     * @param serverLearningRate η_s, positive
     */
    public RobustStrategy(String name, Strategy inner, AggregationConfig config, float serverLearningRate) {
        this.name = Objects.requireNonNull(name, "name");
        this.inner = Objects.requireNonNull(inner, "inner");
        this.config = Objects.requireNonNull(config, "config");
        this.rule = Rule.of(config.rule());
        if (!(serverLearningRate > 0) || !Float.isFinite(serverLearningRate)) {
            throw new IllegalArgumentException("server-learning-rate must be positive, got " + serverLearningRate);
        }
        this.serverLearningRate = serverLearningRate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void onEvent(Event event, CoordinatorContext ctx) {
        inner.onEvent(event, new Robust(ctx));
    }

    /** The rule keeps nothing between rounds: the state is the inner strategy's. */
    @Override
    public void save(org.dml4j.core.Snapshot out) {
        inner().save(out.under("inner"));
    }

    @Override
    public void restore(org.dml4j.core.Snapshot in) {
        inner().restore(in.under("inner"));
    }

    @Override
    public String checkpointUnsupported() {
        return org.dml4j.fl.Coordinator.checkpointUnsupported(inner);
    }

    private org.dml4j.fl.checkpoint.Checkpointable inner() {
        String why = checkpointUnsupported();
        if (why != null) {
            throw new UnsupportedOperationException(why);
        }
        return (org.dml4j.fl.checkpoint.Checkpointable) inner;
    }

    /**
     * @param global  the current model; not modified
     * @param applied the replies
     * @param log     receives a line when the rule falls back to the median
     * @return the new model
     */
    float[] aggregate(float[] global, List<Reply.Ok> applied, java.util.function.Consumer<String> log) {
        float[] next = global.clone();
        int n = applied.size();
        if (n == 0) {
            return next;
        }
        float[][] rows = new float[n][];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            float[] d = new float[global.length];
            applied.get(i).update().addTo(d, 1f);
            rows[i] = config.clipNorm() > 0 ? Aggregators.clip(d, config.clipNorm()) : d;
            weights[i] = applied.get(i).numSamples();
        }
        Rule r = rule;
        if (r == Rule.MAJORITY_VOTE) {
            return majorityVote(next, applied, rows);
        }
        if ((r == Rule.KRUM || r == Rule.MULTI_KRUM) && n <= 2 * config.byzantine() + 2) {
            log.accept(name + ": " + n + " updates are too few for Krum with byzantine = " + config.byzantine()
                    + "; this round uses the coordinate-wise median");
            r = Rule.MEDIAN;
        }
        float[] delta = switch (r) {
            case MEAN -> Aggregators.weightedMean(rows, weights);
            case MEDIAN -> Aggregators.median(rows);
            case TRIMMED_MEAN -> Aggregators.trimmedMean(rows, config.trim());
            case KRUM -> Aggregators.multiKrum(rows, config.byzantine(), 1);
            case MULTI_KRUM -> Aggregators.multiKrum(rows, config.byzantine(),
                    Math.min(config.krumM(), n - config.byzantine()));
            case MAJORITY_VOTE -> throw new AssertionError("handled above");
        };
        for (int j = 0; j < next.length; j++) {
            next[j] += serverLearningRate * delta[j];
        }
        return next;
    }

    /**
     * {@code next + η_s · ρ · sign(Σ_i sign(Δ_i))} with {@code ρ} the rows' mean magnitude per coordinate, summed in
     * row order (so in the order the inner strategy applied the replies).
     */
    private float[] majorityVote(float[] next, List<Reply.Ok> applied, float[][] rows) {
        MajorityVote vote = new MajorityVote(next.length);
        double magnitude = 0;
        for (int i = 0; i < rows.length; i++) {
            vote.add(applied.get(i).update(), 1f); // clipping scales an update: its signs are those of the reply
            double l1 = 0;
            for (float v : rows[i]) {
                l1 += Math.abs(v);
            }
            magnitude += l1 / next.length;
        }
        vote.applyTo(next, (float) (serverLearningRate * magnitude / rows.length));
        return next;
    }

    /** The coordinator as the inner strategy sees it: commits go through the robust rule. */
    private final class Robust implements CoordinatorContext {
        private final CoordinatorContext ctx;

        Robust(CoordinatorContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void commit(float[] next, List<Reply.Ok> applied) {
            ctx.commit(aggregate(ctx.model(), applied, ctx::log), applied);
        }

        @Override
        public ClientPool pool() {
            return ctx.pool();
        }

        @Override
        public LocalTraining training() {
            return ctx.training();
        }

        @Override
        public int version() {
            return ctx.version();
        }

        @Override
        public int finalVersion() {
            return ctx.finalVersion();
        }

        @Override
        public float[] model() {
            return ctx.model();
        }

        @Override
        public double now() {
            return ctx.now();
        }

        @Override
        public SplittableRandom random(String purpose, long index) {
            return ctx.random(purpose, index);
        }

        @Override
        public int[] idle() {
            return ctx.idle();
        }

        @Override
        public boolean busy(int participant) {
            return ctx.busy(participant);
        }

        @Override
        public int inFlight() {
            return ctx.inFlight();
        }

        @Override
        public long dispatch(int participant, int localSteps, float learningRate, float proxMu, double level) {
            return ctx.dispatch(participant, localSteps, learningRate, proxMu, level);
        }

        @Override
        public void cancel(int participant, String reason) {
            ctx.cancel(participant, reason);
        }

        @Override
        public void discard(Reply.Ok reply, String reason) {
            ctx.discard(reply, reason);
        }

        @Override
        public void timer(double delaySeconds, long tag) {
            ctx.timer(delaySeconds, tag);
        }

        @Override
        public void log(String line) {
            ctx.log(line);
        }

        @Override
        public boolean finished() {
            return ctx.finished();
        }
    }

    /**
     * Settings of {@code type = "robust-fedavg"}: FedAvg's rounds with a robust rule.
     *
     * @param fraction           fraction of clients per round, in (0, 1]
     * @param minClients         at least this many clients per round
     * @param serverLearningRate server step applied to the aggregate
     * @param overSelect         extra fraction of clients dispatched
     * @param deadline           seconds after which a round closes; 0 for none
     * @param rule               mean, median, trimmed-mean, krum, multi-krum or majority-vote
     * @param trim               fraction trimmed at each end (trimmed-mean)
     * @param byzantine          updates Krum tolerates
     * @param krumM              updates multi-Krum averages
     * @param clipNorm           L2 bound each update is clipped to first; 0 for none
     * @param minUpdates         successful updates a round needs to commit; 0 for none
     * @param roundRetries       repeats of one version allowed when its rounds close below min-updates
     */
    public record RobustFedAvgConfig(double fraction, int minClients, float serverLearningRate, double overSelect,
                                     double deadline, String rule, double trim, int byzantine, int krumM,
                                     double clipNorm, int minUpdates, int roundRetries) implements StrategyConfig {
        /** Validates the fields. */
        public RobustFedAvgConfig {
            new FedAvg.FedAvgConfig(fraction, minClients, serverLearningRate, overSelect, deadline, minUpdates,
                    roundRetries);
            new AggregationConfig(rule, trim, byzantine, krumM, clipNorm);
        }

        /**
         * Without a minimum per round.
         *
         * @param fraction           fraction of clients per round, in (0, 1]
         * @param minClients         at least this many clients per round
         * @param serverLearningRate server step applied to the aggregate
         * @param overSelect         extra fraction of clients dispatched
         * @param deadline           seconds after which a round closes; 0 for none
         * @param rule               mean, median, trimmed-mean, krum or multi-krum
         * @param trim               fraction trimmed at each end (trimmed-mean)
         * @param byzantine          updates Krum tolerates
         * @param krumM              updates multi-Krum averages
         * @param clipNorm           L2 bound each update is clipped to first; 0 for none
         */
        public RobustFedAvgConfig(double fraction, int minClients, float serverLearningRate, double overSelect,
                                  double deadline, String rule, double trim, int byzantine, int krumM,
                                  double clipNorm) {
            this(fraction, minClients, serverLearningRate, overSelect, deadline, rule, trim, byzantine, krumM,
                    clipNorm, 0, FedAvg.DEFAULT_ROUND_RETRIES);
        }

        /** @return FedAvg's defaults with the coordinate-wise median, trim 0.1, f = 1, m = 1, no clipping */
        public static RobustFedAvgConfig defaults() {
            FedAvg.FedAvgConfig f = FedAvg.FedAvgConfig.defaults();
            return new RobustFedAvgConfig(f.fraction(), f.minClients(), f.serverLearningRate(), f.overSelect(),
                    f.deadline(), "median", 0.1, 1, 1, 0, f.minUpdates(), f.roundRetries());
        }
    }

    /** Provider of {@code type = "robust-fedavg"}. */
    public static final class Provider implements StrategyProvider {
        @Override
        public String name() {
            return "robust-fedavg";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return RobustFedAvgConfig.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            RobustFedAvgConfig c = (RobustFedAvgConfig) config;
            return new RobustStrategy(name(), new FedAvg(name(), c.fraction(), c.minClients(), 1f, 0f,
                    c.overSelect(), c.deadline(), c.minUpdates(), c.roundRetries()), new AggregationConfig(c.rule(), c.trim(), c.byzantine(), c.krumM(),
                    c.clipNorm()), c.serverLearningRate());
        }
    }
}
