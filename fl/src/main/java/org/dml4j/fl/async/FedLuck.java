package org.dml4j.fl.async;

import java.util.ArrayList;
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
import org.dml4j.fl.fedluck.FedLuckControl;
import org.dml4j.fl.fedluck.FedLuckControlConfig;
import org.dml4j.fl.fedluck.TimingEstimator;

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
 * update, scaled from the probe's upload time by dense over sent bytes; {@link TimingEstimator}) are measured; the
 * device's {@code (k_i, δ_i)} then minimises the code's
 * {@code φ_i(k, δ) = (((k α_i + δ β_i)/T̃)² (2 − δ) + 1) / (k δ^0.5)} over {@code k ∈ [k-min, k-max]} and
 * {@code δ ∈ {δ-min, δ-min + 0.01, …, δ-max}} ({@link FedLuckControl}; chosen once, as in the code), and is logged. Every period {@code T̃} of virtual time the server applies what arrived in that period,
 * {@code w ← w + η_g Σ_{i∈S} (|D_i| / Σ_{j∈S} |D_j|) g̃_i} (the code's data-size weights; the theory's are uniform),
 * and sends the new model to every idle device. Staleness is recorded, not used for weighting; replies staler than
 * {@code max-staleness} are discarded. The compressor must have a ratio (Top-k; the released scripts run it without
 * error feedback).
 *
 * <p>Measuring α and β in virtual time on a probe task is this implementation's choice (the released code is given
 * them as constants); the probe is the only place where it departs from the code.
 */
public final class FedLuck implements Strategy, org.dml4j.fl.checkpoint.Checkpointable {
    /** The timer tag of the aggregation period. */
    static final long TICK = -2;
    private final FedLuckConfig config;
    private final FedLuckControl control;
    private TimingEstimator timings;
    private boolean[] chosen;
    private int[] steps;
    private double[] ratio;
    private final List<Reply.Ok> buffer = new ArrayList<>();
    private boolean ticking;

    /** @param config the settings */
    public FedLuck(FedLuckConfig config) {
        this.config = config;
        this.control = new FedLuckControl(config.control());
    }

    @Override
    public String name() {
        return "fedluck";
    }

    @Override
    public void onEvent(Event event, CoordinatorContext ctx) {
        if (chosen == null) {
            int n = ctx.pool().size();
            timings = new TimingEstimator(UpdateCodec.HEADER_BYTES + 4L * ctx.model().length);
            chosen = new boolean[n];
            steps = new int[n];
            ratio = new double[n];
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

    /** Saves the measured timings, the per-client choices, the buffered replies and whether a tick is pending. */
    @Override
    public void save(org.dml4j.core.Snapshot out) {
        out.putBoolean("started", chosen != null).putBoolean("ticking", ticking);
        if (chosen != null) {
            timings.save(out.under("timings"));
            byte[] c = new byte[chosen.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = (byte) (chosen[i] ? 1 : 0);
            }
            out.putBytes("chosen", c).putInts("steps", steps).putDoubles("ratio", ratio);
        }
        org.dml4j.fl.checkpoint.Replies.saveAll(out.under("buffer"), buffer);
    }

    @Override
    public void restore(org.dml4j.core.Snapshot in) {
        ticking = in.getBoolean("ticking");
        if (in.getBoolean("started")) {
            timings = TimingEstimator.restore(in.under("timings"));
            byte[] c = in.getBytes("chosen");
            chosen = new boolean[c.length];
            for (int i = 0; i < c.length; i++) {
                chosen[i] = c[i] != 0;
            }
            steps = in.getInts("steps", c.length);
            ratio = in.getDoubles("ratio", c.length);
        }
        buffer.clear();
        buffer.addAll(org.dml4j.fl.checkpoint.Replies.readAll(in.under("buffer"), Integer.MAX_VALUE));
    }

    private void measure(Reply.Ok ok, CoordinatorContext ctx) {
        int p = ok.participant();
        if (chosen[p]) {
            return;
        }
        timings.recordCompute(p, ok.steps(), ok.computeSeconds());
        timings.recordUpload(p, ok.update().wireBytes(), ok.uploadSeconds());
        double alpha = timings.alpha(p);
        double beta = timings.beta(p);
        if (alpha > 0) {
            FedLuckControl.Choice c = control.choose(alpha, beta);
            steps[p] = c.localSteps();
            ratio[p] = c.ratio();
        } else {
            // no device model: a step takes no virtual time, and the bound prefers the most local work
            steps[p] = config.kMax();
            ratio[p] = beta > 0 ? config.deltaMin() : config.deltaMax();
        }
        chosen[p] = true;
        ctx.log(String.format(Locale.ROOT, "fedluck: client %d alpha %.4g s/step, beta %.4g s -> local steps %d,"
                + " ratio %.2f", p, alpha, beta, steps[p], ratio[p]));
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
            if (!chosen[p]) {
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
            new FedLuckControlConfig(period, kMin, kMax, deltaMin, deltaMax, 0.01, 0.5);
            if (!(serverLearningRate > 0) || !Float.isFinite(serverLearningRate)) {
                throw new IllegalArgumentException("server-learning-rate must be positive, got "
                        + serverLearningRate);
            }
            if (probeSteps < 0) {
                throw new IllegalArgumentException("probe-steps must be >= 0, got " + probeSteps);
            }
            if (maxStaleness < -1) {
                throw new IllegalArgumentException("max-staleness must be >= 0 (or -1 for none), got "
                        + maxStaleness);
            }
        }

        /** @return the grid search's settings: this period and grid, δ in steps of 0.01, the code's δ^0.5 */
        FedLuckControlConfig control() {
            return new FedLuckControlConfig(period, kMin, kMax, deltaMin, deltaMax, 0.01, 0.5);
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
