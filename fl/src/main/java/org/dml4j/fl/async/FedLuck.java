package org.dml4j.fl.async;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.fl.CoordinatorContext;
import org.dml4j.fl.Event;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.StrategyConfig;
import org.dml4j.fl.StrategyProvider;

/**
 * FedLuck: asynchronous FL with periodic aggregation in which every device picks its number of local steps and its
 * compression ratio jointly from its compute and upload speed.
 *
 * <pre>
 * J. Song, J. Luo, R. Lu, S. Xie, B. Chen, Z. Wang. A Joint Approach to Local Updating and Gradient Compression for
 * Efficient Asynchronous Federated Learning. Euro-Par 2024 (arXiv 2407.05125).
 * </pre>
 *
 * <p>As released (spec §3.4): each device's first task is a probe ({@code probe-steps} local steps, dense upload, ratio
 * 1) from which {@code α_i} (virtual seconds per local step) and {@code β_i} (virtual seconds to upload the dense
 * update, scaled from the probe's upload time by dense over sent bytes) are measured; the device's
 * {@code (k_i, δ_i)} then minimises the code's {@code φ_i(k, δ) = (((k α_i + δ β_i)/T̃)² (2 − δ) + 1) / (k δ^0.5)}
 * over {@code k ∈ [k-min, k-max]} and {@code δ ∈ {δ-min, δ-min + 0.01, …, δ-max}} (chosen once, as in the code), and
 * is logged. Every period {@code T̃} of virtual time the server applies what arrived in that period,
 * {@code w ← w + η_g Σ_{i∈S} (|D_i| / Σ_{j∈S} |D_j|) g̃_i} (the code's data-size weights; the theory's are uniform),
 * and sends the new model to every idle device. Staleness is recorded, not used for weighting; replies staler than
 * {@code max-staleness} are discarded. The compressor must have a ratio (Top-k; the released scripts run it without
 * error feedback).
 *
 * <p>Measuring α and β in virtual time on a probe task is this implementation's choice (the released code is given
 * them as constants); the probe is the only place where it departs from the code.
 */
public final class FedLuck implements Strategy {
    /** The timer tag of the aggregation period. */
    static final long TICK = -2;
    private final FedLuckConfig config;
    private double[] alpha;
    private double[] beta;
    private int[] steps;
    private double[] ratio;
    private final List<Reply.Ok> buffer = new ArrayList<>();
    private boolean ticking;

    /** @param config the settings */
    public FedLuck(FedLuckConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "fedluck";
    }

    /**
     * The released code's grid search (spec §3.4).
     *
     * @param alpha  seconds per local step, &gt; 0
     * @param beta   seconds to upload the dense update, &gt;= 0
     * @param period T̃, &gt; 0
     * @param kMin   smallest k
     * @param kMax   largest k
     * @param dMin   smallest δ (a multiple of 0.01)
     * @param dMax   largest δ
     * @return {@code {k, δ}} minimising φ; the first minimum in (k, δ) ascending order
     */
    public static double[] choose(double alpha, double beta, double period, int kMin, int kMax, double dMin,
                                  double dMax) {
        double best = Double.POSITIVE_INFINITY;
        double[] arg = {kMin, dMax};
        int from = (int) Math.round(dMin * 100);
        int to = (int) Math.round(dMax * 100);
        for (int k = kMin; k <= kMax; k++) {
            for (int i = from; i <= to; i++) {
                double d = i / 100.0;
                double r = (k * alpha + d * beta) / period;
                double phi = (r * r * (2 - d) + 1) / (k * Math.sqrt(d));
                if (phi < best) {
                    best = phi;
                    arg = new double[] {k, d};
                }
            }
        }
        return arg;
    }

    @Override
    public void onEvent(Event event, CoordinatorContext ctx) {
        if (alpha == null) {
            int n = ctx.pool().size();
            alpha = new double[n];
            beta = new double[n];
            steps = new int[n];
            ratio = new double[n];
            Arrays.fill(alpha, Double.NaN);
        }
        switch (event) {
            case Event.Start s -> tick(ctx, false);
            case Event.ReplyArrived r -> {
                if (r.reply() instanceof Reply.Ok ok) {
                    measure(ok, ctx);
                    int tau = ctx.version() - ok.baseVersion();
                    if (config.maxStaleness() >= 0 && tau > config.maxStaleness()) {
                        ctx.discard(ok, "staleness " + tau + " > max-staleness " + config.maxStaleness());
                    } else {
                        buffer.add(ok);
                    }
                }
            }
            case Event.Lost l -> {
            }
            case Event.Idle i -> {
                if (!ticking) {
                    tick(ctx, false);
                }
            }
            case Event.Timer t -> {
                if (t.tag() == TICK) {
                    tick(ctx, true);
                }
            }
        }
    }

    private void measure(Reply.Ok ok, CoordinatorContext ctx) {
        int p = ok.participant();
        if (!Double.isNaN(alpha[p])) {
            return;
        }
        long dense = UpdateCodec.HEADER_BYTES + 4L * ok.update().dim();
        alpha[p] = ok.computeSeconds() / ok.steps();
        beta[p] = ok.uploadSeconds() * dense / (double) ok.update().wireBytes();
        if (!(alpha[p] > 0)) {
            // no device model: a step takes no virtual time, and the bound prefers the most local work
            steps[p] = config.kMax();
            ratio[p] = beta[p] > 0 ? config.deltaMin() : config.deltaMax();
        } else {
            double[] kd = choose(alpha[p], beta[p], config.period(), config.kMin(), config.kMax(),
                    config.deltaMin(), config.deltaMax());
            steps[p] = (int) kd[0];
            ratio[p] = kd[1];
        }
        ctx.log(String.format(Locale.ROOT, "fedluck: client %d alpha %.4g s/step, beta %.4g s -> local steps %d,"
                + " ratio %.2f", p, alpha[p], beta[p], steps[p], ratio[p]));
    }

    private void tick(CoordinatorContext ctx, boolean aggregate) {
        ticking = false;
        if (aggregate && !buffer.isEmpty()) {
            buffer.sort(Comparator.comparingInt(Reply.Ok::participant).thenComparingLong(Reply.Ok::taskId));
            List<Reply.Ok> applied = List.copyOf(buffer);
            buffer.clear();
            ctx.commit(FedAvg.average(ctx.model(), applied, config.serverLearningRate()), applied);
        }
        if (ctx.finished()) {
            return;
        }
        float lr = (float) ctx.training().schedule().rate(ctx.version());
        for (int p : ctx.idle()) {
            if (Double.isNaN(alpha[p])) {
                int probe = config.probeSteps() > 0 ? config.probeSteps()
                        : ctx.training().stepsFor(ctx.pool().client(p).numSamples());
                ctx.dispatch(p, probe, lr, 0f, 1.0);
            } else {
                ctx.dispatch(p, steps[p], lr, 0f, ratio[p]);
            }
        }
        if (ctx.inFlight() > 0 || !buffer.isEmpty()) {
            ticking = true;
            ctx.timer(config.period(), TICK);
        }
    }

    /** @return the chosen local steps per client (0 before its probe returned); a copy */
    public int[] chosenSteps() {
        return steps == null ? new int[0] : steps.clone();
    }

    /** @return the chosen ratios per client (0 before its probe returned); a copy */
    public double[] chosenRatios() {
        return ratio == null ? new double[0] : ratio.clone();
    }

    /**
     * FedLuck settings.
     *
     * @param period             T̃, virtual seconds between aggregations, &gt; 0
     * @param serverLearningRate η_g, &gt; 0
     * @param kMin               fewest local steps, &gt;= 1
     * @param kMax               most local steps, &gt;= k-min
     * @param deltaMin           smallest ratio, a multiple of 0.01 in (0, 1]
     * @param deltaMax           largest ratio, in [δ-min, 1]
     * @param probeSteps         local steps of the probe task; 0 for the training's local work
     * @param maxStaleness       replies staler than this many versions are discarded; -1 for no bound
     */
    public record FedLuckConfig(double period, float serverLearningRate, int kMin, int kMax, double deltaMin,
                                double deltaMax, int probeSteps, int maxStaleness) implements StrategyConfig {
        /** Validates the fields, naming the bad one. */
        public FedLuckConfig {
            if (!(period > 0) || !Double.isFinite(period)) {
                throw new IllegalArgumentException("period must be > 0 seconds, got " + period);
            }
            if (!(serverLearningRate > 0) || !Float.isFinite(serverLearningRate)) {
                throw new IllegalArgumentException("server-learning-rate must be positive, got "
                        + serverLearningRate);
            }
            if (kMin < 1 || kMax < kMin) {
                throw new IllegalArgumentException("need 1 <= k-min <= k-max, got k-min " + kMin + ", k-max "
                        + kMax);
            }
            if (!(deltaMin > 0 && deltaMin <= deltaMax && deltaMax <= 1)
                    || Math.abs(deltaMin * 100 - Math.round(deltaMin * 100)) > 1e-9) {
                throw new IllegalArgumentException("need 0 < delta-min <= delta-max <= 1 on the 0.01 grid, got "
                        + "delta-min " + deltaMin + ", delta-max " + deltaMax);
            }
            if (probeSteps < 0) {
                throw new IllegalArgumentException("probe-steps must be >= 0, got " + probeSteps);
            }
            if (maxStaleness < -1) {
                throw new IllegalArgumentException("max-staleness must be >= 0 (or -1 for none), got "
                        + maxStaleness);
            }
        }

        /** @return the released FMNIST settings: T̃ = 1.5 s, η_g = 0.7, k ∈ [2, 60], δ ∈ [0.01, 1] */
        public static FedLuckConfig defaults() {
            return new FedLuckConfig(1.5, 0.7f, 2, 60, 0.01, 1.0, 0, -1);
        }
    }

    /** Provider of {@code type = "fedluck"}. */
    public static final class Provider implements StrategyProvider {
        @Override
        public String name() {
            return "fedluck";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return FedLuckConfig.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            return new FedLuck((FedLuckConfig) config);
        }
    }
}
