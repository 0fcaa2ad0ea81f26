package org.dml4j.fl;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Federated Averaging, and FedProx when {@code mu > 0}: the barrier case of the event-driven {@link Strategy}.
 *
 * <pre>
 * H. B. McMahan, E. Moore, D. Ramage, S. Hampson, B. Agüera y Arcas.
 * Communication-Efficient Learning of Deep Networks from Decentralized Data. AISTATS 2017.
 *
 * T. Li, A. K. Sahu, M. Zaheer, M. Sanjabi, A. Talwalkar, V. Smith.
 * Federated Optimization in Heterogeneous Networks. MLSys 2020.   (FedProx)
 *
 * K. Bonawitz et al. Towards Federated Learning at Scale: System Design. MLSys 2019.   (over-selection, deadline)
 * </pre>
 *
 * <p>Each round wants {@code k = max(minClients, round(fraction · n))} clients. It samples {@code ceil(k · (1 +
 * overSelect))} of the idle clients uniformly without replacement, each trains {@link LocalTraining#stepsFor} steps at
 * the learning rate the schedule gives the current version (with the proximal term {@code (mu/2)||w − w_t||²} for
 * FedProx) and returns its delta {@code Δ_i = w_i − w_t}. The round closes when {@code k} of them have answered (all
 * of them without over-selection) or when the deadline passes; the others are cancelled as stragglers. The new model
 * is {@code w_{t+1} = w_t + η_s · Σ_i (n_i / Σ_j n_j) Δ_i} over the successful replies, summed in client-id order, so
 * arrival order never changes the result.
 *
 * <p>Minimum per round ({@code minUpdates}, 0 for none): a round starts only when at least that many clients are idle
 * (until then it waits for participants to return), and commits only when at least that many successful updates
 * arrived. A round that closes with fewer (its deadline passed, clients failed or were lost) commits nothing: the
 * version stays, the run's log says why, and the round is dispatched again from the same model to a fresh sample
 * (seed purpose {@code sample-retry-<attempt>}); after {@code roundRetries} such repeats of one version the run fails
 * with a {@link StallException} that names the version and the counts.
 *
 * <p>One instance per run; deterministic given the coordinator's seeds.
 */
public final class FedAvg implements Strategy, org.dml4j.fl.checkpoint.Checkpointable {
    private static final System.Logger LOG = System.getLogger(FedAvg.class.getName());
    private final String name;
    private final double fraction;
    private final int minClients;
    private final float serverLearningRate;
    private final float mu;
    private final double overSelect;
    private final double deadline;
    private final int minUpdates;
    private final int roundRetries;
    // the open round
    private final List<Reply.Ok> buffer = new ArrayList<>();
    private final Set<Integer> cohort = new HashSet<>();
    private int wanted;
    private int done;
    private int failed;
    private boolean open;
    private int attempt;
    private long roundTag;
    private boolean waitingLogged;

    /**
     * @param name               type name reported in metrics
     * @param fraction           fraction of clients sampled per round, in (0, 1]
     * @param minClients         lower bound on clients per round, at least 1
     * @param serverLearningRate server step η_s applied to the averaged delta, positive
     * @param mu                 FedProx proximal coefficient, 0 for FedAvg
     * @param overSelect         extra fraction of clients dispatched, at least 0 (0.3 dispatches 30% more)
     * @param deadline           seconds after which a round closes with what arrived; 0 for none
     */
    public FedAvg(String name, double fraction, int minClients, float serverLearningRate, float mu,
                  double overSelect, double deadline) {
        this(name, fraction, minClients, serverLearningRate, mu, overSelect, deadline, 0, DEFAULT_ROUND_RETRIES);
    }

    /** Repeats of one version allowed when its rounds close below {@code minUpdates}, by default. */
    public static final int DEFAULT_ROUND_RETRIES = 3;

    /**
     * @param name               type name reported in metrics
     * @param fraction           fraction of clients sampled per round, in (0, 1]
     * @param minClients         lower bound on clients per round, at least 1
     * @param serverLearningRate server step η_s applied to the averaged delta, positive
     * @param mu                 FedProx proximal coefficient, 0 for FedAvg
     * @param overSelect         extra fraction of clients dispatched, at least 0 (0.3 dispatches 30% more)
     * @param deadline           seconds after which a round closes with what arrived; 0 for none
     * @param minUpdates         successful updates a round needs to commit (and idle clients it needs to start);
     *                           0 for none
     * @param roundRetries       repeats of one version allowed when its rounds close below {@code minUpdates}
     */
    public FedAvg(String name, double fraction, int minClients, float serverLearningRate, float mu,
                  double overSelect, double deadline, int minUpdates, int roundRetries) {
        validate(fraction, minClients, serverLearningRate, mu, overSelect, deadline);
        validateMinimum(minUpdates, roundRetries);
        this.minUpdates = minUpdates;
        this.roundRetries = roundRetries;
        this.name = name;
        this.fraction = fraction;
        this.minClients = minClients;
        this.serverLearningRate = serverLearningRate;
        this.mu = mu;
        this.overSelect = overSelect;
        this.deadline = deadline;
    }

    private static void validate(double fraction, int minClients, float serverLearningRate, float mu,
                                 double overSelect, double deadline) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        if (minClients < 1) {
            throw new IllegalArgumentException("min-clients must be >= 1, got " + minClients);
        }
        if (!(serverLearningRate > 0) || !Float.isFinite(serverLearningRate)) {
            throw new IllegalArgumentException("server-learning-rate must be positive, got " + serverLearningRate);
        }
        if (!(mu >= 0) || !Float.isFinite(mu)) {
            throw new IllegalArgumentException("mu must be >= 0, got " + mu);
        }
        if (!(overSelect >= 0) || !Double.isFinite(overSelect)) {
            throw new IllegalArgumentException("over-select must be >= 0, got " + overSelect);
        }
        if (!(deadline >= 0) || !Double.isFinite(deadline)) {
            throw new IllegalArgumentException("deadline must be >= 0 seconds (0 for none), got " + deadline);
        }
    }

    private static void validateMinimum(int minUpdates, int roundRetries) {
        if (minUpdates < 0) {
            throw new IllegalArgumentException("min-updates must be >= 0 (0 for none), got " + minUpdates);
        }
        if (roundRetries < 0) {
            throw new IllegalArgumentException("round-retries must be >= 0, got " + roundRetries);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * @param n pool size
     * @return clients aggregated per round
     */
    public int clientsPerRound(int n) {
        return Math.min(n, Math.max(minClients, (int) Math.round(fraction * n)));
    }

    @Override
    public void onEvent(Event event, CoordinatorContext ctx) {
        switch (event) {
            case Event.Start s -> startRound(ctx);
            case Event.Idle i -> {
                if (!open) {
                    startRound(ctx);
                }
            }
            case Event.ReplyArrived r -> {
                if (open && cohort.contains(r.reply().participant())) {
                    done++;
                    if (r.reply() instanceof Reply.Ok ok) {
                        buffer.add(ok);
                    } else {
                        failed++;
                    }
                    maybeClose(ctx, false);
                }
            }
            case Event.Lost l -> {
                if (open && l.taskId() >= 0 && cohort.contains(l.participant())) {
                    done++;
                    failed++;
                    maybeClose(ctx, false);
                }
            }
            case Event.Timer t -> {
                if (open && t.tag() == roundTag) {
                    maybeClose(ctx, true);
                }
            }
        }
    }

    private void startRound(CoordinatorContext ctx) {
        int[] idle = ctx.idle();
        int k = clientsPerRound(ctx.pool().size());
        int m = Math.min(idle.length, (int) Math.ceil(k * (1 + overSelect) - 1e-9));
        if (m == 0 || idle.length < minUpdates) {
            if (m > 0 && !waitingLogged) {
                waitingLogged = true;
                ctx.log("round " + (ctx.version() + 1) + " waits: " + idle.length + " idle participant(s), min-updates"
                        + " is " + minUpdates);
            }
            return; // wait for an Idle event
        }
        waitingLogged = false;
        int version = ctx.version();
        int[] picks = sampleWithoutReplacement(idle.length, m, ctx.random(attempt == 0 ? "sample"
                : "sample-retry-" + attempt, version + 1));
        float lr = (float) ctx.training().schedule().rate(version); // schedules count versions from 0
        buffer.clear();
        cohort.clear();
        done = 0;
        failed = 0;
        wanted = Math.min(k, m);
        open = true;
        for (int pick : picks) {
            int id = idle[pick];
            cohort.add(id);
            ctx.dispatch(id, ctx.training().stepsFor(ctx.pool().client(id).numSamples()), lr, mu, Double.NaN);
        }
        roundTag++;
        if (deadline > 0) {
            ctx.timer(deadline, roundTag);
        }
    }

    private void maybeClose(CoordinatorContext ctx, boolean deadlinePassed) {
        if (!deadlinePassed && done < wanted && done < cohort.size()) {
            return;
        }
        open = false;
        for (int id : cohort.stream().sorted().toList()) {
            if (ctx.busy(id)) {
                ctx.cancel(id, deadlinePassed ? "deadline" : "over-selected straggler");
            }
        }
        if (failed > 0) {
            LOG.log(Level.WARNING, "round " + (ctx.version() + 1) + ": " + failed + " of " + done
                    + " clients failed and were left out of the average");
        }
        if (buffer.size() < minUpdates) {
            String why = "round " + (ctx.version() + 1) + " closed with " + buffer.size() + " of the min-updates "
                    + minUpdates + " successful updates (" + done + " of " + cohort.size() + " answered, " + failed
                    + " failed" + (deadlinePassed ? ", deadline " + deadline + " s passed" : "") + ")";
            if (attempt >= roundRetries) {
                throw new StallException(why + "; it was repeated " + attempt + " time(s), round-retries is "
                        + roundRetries);
            }
            attempt++;
            LOG.log(Level.WARNING, why + "; nothing committed, repeating it (attempt " + (attempt + 1) + ")");
            ctx.log(why + "; nothing committed, repeating it (attempt " + (attempt + 1) + ")");
            startRound(ctx);
            return;
        }
        attempt = 0;
        buffer.sort(Comparator.comparingInt(Reply.Ok::participant));
        List<Reply.Ok> applied = List.copyOf(buffer);
        ctx.commit(average(ctx.model(), applied, serverLearningRate), applied);
        if (!ctx.finished()) {
            startRound(ctx);
        }
    }

    /**
     * {@code w + η_s · Σ_i (n_i / Σ_j n_j) Δ_i}, summed in the given order.
     *
     * @param global             the current parameters; not modified
     * @param replies            the updates
     * @param serverLearningRate η_s
     * @return the new parameters (a new array; a copy of {@code global} without replies)
     */
    public static float[] average(float[] global, List<Reply.Ok> replies, float serverLearningRate) {
        float[] next = global.clone();
        long total = 0;
        for (Reply.Ok ok : replies) {
            total += ok.numSamples();
        }
        if (total == 0) {
            return next;
        }
        for (Reply.Ok ok : replies) {
            ok.update().addTo(next, (float) (serverLearningRate * ok.numSamples() / (double) total));
        }
        return next;
    }

    /**
     * Saves the open round: its cohort, the replies buffered, the counts, the repeat of the version and the deadline
     * timer's tag (the sampling draws come from seed paths).
     */
    @Override
    public void save(org.dml4j.core.Snapshot out) {
        out.putBoolean("open", open).putLong("wanted", wanted).putLong("done", done).putLong("failed", failed)
                .putInts("cohort", cohort.stream().mapToInt(Integer::intValue).sorted().toArray())
                .putLong("attempt", attempt).putLong("round-tag", roundTag);
        org.dml4j.fl.checkpoint.Replies.saveAll(out.under("buffer"), open ? buffer : List.of());
    }

    @Override
    public void restore(org.dml4j.core.Snapshot in) {
        open = in.getBoolean("open");
        wanted = in.getInt("wanted");
        done = in.getInt("done");
        failed = in.getInt("failed");
        attempt = in.getInt("attempt");
        roundTag = in.getLong("round-tag");
        cohort.clear();
        for (int id : in.getInts("cohort")) {
            cohort.add(id);
        }
        buffer.clear();
        buffer.addAll(org.dml4j.fl.checkpoint.Replies.readAll(in.under("buffer"), Integer.MAX_VALUE));
    }

    /** Partial Fisher–Yates: k distinct indices in [0, n), returned sorted. */
    static int[] sampleWithoutReplacement(int n, int k, SplittableRandom rng) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] ids = Arrays.copyOf(perm, k);
        Arrays.sort(ids);
        return ids;
    }

    /**
     * FedAvg settings.
     *
     * @param fraction           fraction of clients per round, in (0, 1]
     * @param minClients         at least this many clients per round
     * @param serverLearningRate server step applied to the averaged delta
     * @param overSelect         extra fraction of clients dispatched (stragglers beyond the wanted number are cut)
     * @param deadline           seconds (on the run's clock) after which a round closes; 0 for none
     * @param minUpdates         successful updates a round needs to commit; 0 for none
     * @param roundRetries       repeats of one version allowed when its rounds close below min-updates
     */
    public record FedAvgConfig(double fraction, int minClients, float serverLearningRate, double overSelect,
                               double deadline, int minUpdates, int roundRetries) implements StrategyConfig {
        /** Validates the fields. */
        public FedAvgConfig {
            validate(fraction, minClients, serverLearningRate, 0f, overSelect, deadline);
            validateMinimum(minUpdates, roundRetries);
        }

        /**
         * Without a minimum per round.
         *
         * @param fraction           fraction of clients per round, in (0, 1]
         * @param minClients         at least this many clients per round
         * @param serverLearningRate server step applied to the averaged delta
         * @param overSelect         extra fraction of clients dispatched
         * @param deadline           seconds after which a round closes; 0 for none
         */
        public FedAvgConfig(double fraction, int minClients, float serverLearningRate, double overSelect,
                            double deadline) {
            this(fraction, minClients, serverLearningRate, overSelect, deadline, 0, DEFAULT_ROUND_RETRIES);
        }

        /**
         * @return fraction 0.1, at least 1 client, server learning rate 1, no over-selection, no deadline, no minimum
         *     per round (3 repeats when one is set)
         */
        public static FedAvgConfig defaults() {
            return new FedAvgConfig(0.1, 1, 1f, 0, 0);
        }
    }

    /**
     * FedProx settings.
     *
     * @param fraction           fraction of clients per round, in (0, 1]
     * @param minClients         at least this many clients per round
     * @param serverLearningRate server step applied to the averaged delta
     * @param mu                 proximal coefficient, at least 0
     * @param overSelect         extra fraction of clients dispatched (stragglers beyond the wanted number are cut)
     * @param deadline           seconds (on the run's clock) after which a round closes; 0 for none
     * @param minUpdates         successful updates a round needs to commit; 0 for none
     * @param roundRetries       repeats of one version allowed when its rounds close below min-updates
     */
    public record FedProxConfig(double fraction, int minClients, float serverLearningRate, float mu,
                                double overSelect, double deadline, int minUpdates, int roundRetries)
            implements StrategyConfig {
        /** Validates the fields. */
        public FedProxConfig {
            validate(fraction, minClients, serverLearningRate, mu, overSelect, deadline);
            validateMinimum(minUpdates, roundRetries);
        }

        /**
         * @return fraction 0.1, at least 1 client, server learning rate 1, mu 0.01, no over-selection, deadline or
         *     minimum per round
         */
        public static FedProxConfig defaults() {
            return new FedProxConfig(0.1, 1, 1f, 0.01f, 0, 0, 0, DEFAULT_ROUND_RETRIES);
        }
    }

    /** Provider of {@code type = "fedavg"}. */
    public static final class FedAvgProvider implements StrategyProvider {
        @Override
        public String name() {
            return "fedavg";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return FedAvgConfig.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            FedAvgConfig c = (FedAvgConfig) config;
            return new FedAvg(name(), c.fraction(), c.minClients(), c.serverLearningRate(), 0f, c.overSelect(),
                    c.deadline(), c.minUpdates(), c.roundRetries());
        }
    }

    /** Provider of {@code type = "fedprox"}. */
    public static final class FedProxProvider implements StrategyProvider {
        @Override
        public String name() {
            return "fedprox";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return FedProxConfig.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            FedProxConfig c = (FedProxConfig) config;
            return new FedAvg(name(), c.fraction(), c.minClients(), c.serverLearningRate(), c.mu(),
                    c.overSelect(), c.deadline(), c.minUpdates(), c.roundRetries());
        }
    }
}
