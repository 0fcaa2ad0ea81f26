package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.compress.adaptive.GammaFedHtSchedule;

/**
 * γ-FedHT: hard-threshold sparsification whose threshold follows the learning-rate schedule through
 * {@link GammaFedHtSchedule}, with error feedback. Each round's threshold is {@code schedule.threshold(round)}; the
 * round comes from {@link CompressorState#beginRound} (call it for every round a client takes part in), or counts
 * the state's own {@code compress} calls when never given.
 *
 * <pre>
 * R. Lu, Y. Jiang, J. Zhang, C. Li, Y. Zhu, B. Chen, Z. Wang, "γ-FedHT: Stepsize-Aware Hard-Threshold Gradient
 * Compression in Federated Learning", IEEE INFOCOM 2025 (arXiv 2505.12479).
 * </pre>
 *
 * <p>Immutable and thread-safe; states are per worker.
 */
public final class GammaFedHtCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "gamma-fedht";

    private final GammaFedHtConfig config;
    private final GammaFedHtSchedule schedule;

    /** @param config the configuration */
    public GammaFedHtCompressor(GammaFedHtConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.schedule = config.schedule();
    }

    /** Provider registered in {@code META-INF/services}. */
    public static final class Provider implements CompressorProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<? extends CompressorConfig> configType() {
            return GammaFedHtConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            GammaFedHtConfig c = Compressors.expect(config, GammaFedHtConfig.class, NAME);
            return Compressors.withErrorFeedback(new GammaFedHtCompressor(c), c.errorFeedback());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return the threshold schedule */
    public GammaFedHtSchedule schedule() {
        return schedule;
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        return new State(Checks.dim(dim));
    }

    private final class State extends ThresholdCompressor.State {
        private int round;

        State(int dim) {
            super(dim, schedule.threshold(0), ValueFormat.parse(config.values(), "values"));
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            super.setThreshold(schedule.threshold(round));
            CompressedUpdate u = super.compress(update);
            round++;
            return u;
        }

        @Override
        public void beginRound(int r) {
            if (r < 0) {
                throw new IllegalArgumentException("round must be >= 0, got " + r);
            }
            round = r;
        }

        @Override
        public void save(org.dml4j.core.Snapshot out) {
            super.save(out);
            out.putLong("round", round);
        }

        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            super.restore(in);
            round = in.getInt("round");
        }

        @Override
        public void setThreshold(double threshold) {
            throw new UnsupportedOperationException("gamma-fedht sets its own threshold from the rate schedule;"
                    + " use the threshold compressor to set one");
        }
    }
}
