package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.compress.adaptive.Accordion;
import org.dml4j.core.FloatKernels;

/**
 * ACCORDION as a compressor: every round the state measures the L2 norm of the incoming update, asks an
 * {@link Accordion} detector whether the round is critical, and compresses with the conservative level (larger
 * Top-k ratio or smaller threshold) if so, the aggressive level otherwise. The switched compressor may use error
 * feedback; the norm is that of the raw update, before the residual is added.
 *
 * <pre>
 * S. Agarwal, H. Wang, K. Lee, S. Venkataraman, D. Papailiopoulos, "Adaptive Gradient Communication via Critical
 * Learning Regime Identification", MLSys 2021.
 * </pre>
 *
 * <p>DAGC's comparisons set the levels to the min/max of DAGC's per-worker ratios (relative case) or use
 * λ_max as the aggressive threshold (absolute case). Immutable and thread-safe; states are per worker.
 */
public final class AccordionCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "accordion";

    private final AccordionConfig config;
    private final GradientCompressor inner;

    /** @param config the configuration */
    public AccordionCompressor(AccordionConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        GradientCompressor c = "topk".equals(config.compressor())
                ? new TopKCompressor(new TopKConfig(config.conservative(), null, config.perLayer(),
                        config.segments(), false, config.values()))
                : new ThresholdCompressor(new ThresholdConfig(config.conservative(), false, config.values()));
        this.inner = Compressors.withErrorFeedback(c, config.errorFeedback());
    }

    /** Provider registered in {@code META-INF/services}. */
    public static final class Provider implements CompressorProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<? extends CompressorConfig> configType() {
            return AccordionConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            return new AccordionCompressor(Compressors.expect(config, AccordionConfig.class, NAME));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        return new State(inner.newState(dim, rng), dim);
    }

    @Override
    public CompressorState newState(UpdateLayout layout, SplittableRandom rng) {
        return new State(inner.newState(layout, rng), layout.dim());
    }

    private final class State implements CompressorState {
        private final CompressorState inner;
        private final int dim;
        private final Accordion detector = new Accordion(config.eta());
        private final boolean ratios = "topk".equals(config.compressor());
        private boolean lastCritical;

        State(CompressorState inner, int dim) {
            this.inner = inner;
            this.dim = dim;
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            Checks.length(update, dim);
            double ss = FloatKernels.get().sumSquares(update, 0, dim);
            if (!Double.isFinite(ss)) {
                throw TopKSelector.nonFinite(update, 0, dim);
            }
            lastCritical = detector.observe(Math.sqrt(ss));
            double level = lastCritical ? config.conservative() : config.aggressive();
            if (ratios) {
                inner.setRatio(level);
            } else {
                inner.setThreshold(level);
            }
            return inner.compress(update);
        }

        @Override
        public void beginRound(int round) {
            inner.beginRound(round);
        }

        /** Saves the detector's last norm and, under {@code inner/}, the wrapped state. */
        @Override
        public void save(org.dml4j.core.Snapshot out) {
            out.putString("type", "accordion").putDouble("previous-norm", detector.previousNorm())
                    .putBoolean("last-critical", lastCritical);
            inner.save(out.under("inner"));
        }

        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            in.expect("type", "accordion");
            inner.restore(in.under("inner"));
            detector.restorePreviousNorm(in.getDouble("previous-norm"));
            lastCritical = in.getBoolean("last-critical");
        }

        @Override
        public String toString() {
            return "Accordion.State[lastCritical=" + lastCritical + "]";
        }
    }
}
