package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Hard-threshold sparsification: sends the entries with {@code |v| >= threshold}, in one SIMD gather pass (O(n)). The
 * number of entries sent is not controlled; adaptive controllers set the threshold per worker (DAGC-A) or per round
 * (γ-FedHT) through {@link CompressorState#setThreshold}.
 *
 * <pre>
 * A. Sahu, A. Dutta, A. M. Abdelmoniem, T. Banerjee, M. Canini, P. Kalnis, "Rethinking gradient sparsification as
 * total error minimization", NeurIPS 2021.
 * </pre>
 *
 * <p>Immutable and thread-safe; states are per worker. A state's buffers grow to the largest count seen, so steady
 * rounds allocate only the update itself.
 */
public final class ThresholdCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "threshold";

    private final ThresholdConfig config;

    /** @param config the configuration */
    public ThresholdCompressor(ThresholdConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Provider registered in {@code META-INF/services}. */
    public static final class Provider implements CompressorProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<? extends CompressorConfig> configType() {
            return ThresholdConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            ThresholdConfig c = Compressors.expect(config, ThresholdConfig.class, NAME);
            return Compressors.withErrorFeedback(new ThresholdCompressor(c), c.errorFeedback());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        return new State(Checks.dim(dim), config.threshold(), ValueFormat.parse(config.values(), "values"));
    }

    /** Per-worker state of a threshold compressor; also used by γ-FedHT and ACCORDION. Single owner. */
    static class State implements CompressorState {
        private final int dim;
        private final ValueFormat format;
        private double threshold;
        private int[] idx = new int[64];
        private float[] val = new float[64];

        State(int dim, double threshold, ValueFormat format) {
            this.dim = dim;
            this.threshold = threshold;
            this.format = format;
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            Checks.length(update, dim);
            float t = (float) threshold;
            if (!(t > 0f)) {
                t = Float.MIN_VALUE;
            }
            CompressKernels k = CompressKernels.get();
            int c = k.gatherAtLeast(update, 0, dim, t, 0, idx, val, 0, idx.length);
            if (c < 0) {
                throw TopKSelector.nonFinite(update, 0, dim);
            }
            if (c > idx.length) {
                int cap = (int) Math.min(dim, c + (c >> 2) + 64L);
                idx = new int[cap];
                val = new float[cap];
                k.gatherAtLeast(update, 0, dim, t, 0, idx, val, 0, cap);
            }
            int[] outIdx = java.util.Arrays.copyOf(idx, c);
            float[] outVal = java.util.Arrays.copyOf(val, c);
            format.roundInPlace(outVal, 0, c);
            return SparseUpdate.wrap(dim, outIdx, outVal, format);
        }

        @Override
        public void setThreshold(double threshold) {
            this.threshold = Checks.positive("threshold", threshold);
        }

        /** @return the current threshold */
        double threshold() {
            return threshold;
        }

        @Override
        public void save(org.dml4j.core.Snapshot out) {
            out.putString("type", getClass().getName()).putDouble("threshold", threshold);
        }

        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            in.expect("type", getClass().getName());
            threshold = in.getDouble("threshold");
        }
    }
}
