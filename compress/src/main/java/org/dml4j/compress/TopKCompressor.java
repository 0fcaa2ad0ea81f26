package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Top-k sparsification: keeps exactly the k entries of largest magnitude, ties broken by the lower index, as a
 * {@link SparseUpdate}. Selection is O(n): a sampled threshold, one SIMD gather pass and a quickselect on a small band
 * (see {@link TopKSelector}), never a full sort. Usually combined with error feedback.
 *
 * <pre>
 * A. F. Aji, K. Heafield, "Sparse Communication for Distributed Gradient Descent", EMNLP 2017.
 * S. U. Stich, J.-B. Cordonnier, M. Jaggi, "Sparsified SGD with Memory", NeurIPS 2018.
 * </pre>
 *
 * <p>Immutable and thread-safe; states are per worker and accept {@link CompressorState#setRatio} (DAGC-R,
 * ACCORDION).
 */
public final class TopKCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "topk";

    private final TopKConfig config;

    /** @param config the configuration */
    public TopKCompressor(TopKConfig config) {
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
            return TopKConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            TopKConfig c = Compressors.expect(config, TopKConfig.class, NAME);
            return Compressors.withErrorFeedback(new TopKCompressor(c), c.errorFeedback());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return the configuration */
    public TopKConfig config() {
        return config;
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        return new State(dim, Checks.resolveSegments(NAME, dim, config.segments(), config.perLayer(), null));
    }

    @Override
    public CompressorState newState(UpdateLayout layout, SplittableRandom rng) {
        return new State(layout.dim(), Checks.resolveSegments(NAME, layout.dim(), config.segments(),
                config.perLayer(), layout));
    }

    private final class State implements CompressorState {
        private final int dim;
        private final int[] segments;
        private final TopKSelector selector = new TopKSelector(CompressKernels.get());
        private final ValueFormat format = config.valueFormat();
        private double ratio;
        private int fixedK;

        State(int dim, int[] segments) {
            this.dim = dim;
            this.segments = segments;
            if (config.k() != null) {
                if (config.k() > dim) {
                    throw new IllegalArgumentException("topk: k = " + config.k() + " is larger than dim " + dim);
                }
                fixedK = config.k();
            } else {
                ratio = config.ratio();
            }
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            Checks.length(update, dim);
            int total = 0;
            for (int s : segments) {
                total += fixedK > 0 ? fixedK : Checks.kOf(ratio, s);
            }
            int[] idx = new int[total];
            float[] val = new float[total];
            int off = 0;
            int pos = 0;
            for (int s : segments) {
                int k = fixedK > 0 ? fixedK : Checks.kOf(ratio, s);
                selector.select(update, off, s, k, idx, val, pos);
                off += s;
                pos += k;
            }
            format.roundInPlace(val, 0, total);
            return SparseUpdate.wrap(dim, idx, val, format);
        }

        @Override
        public void setRatio(double r) {
            ratio = Checks.ratio("ratio", r);
            fixedK = 0;
        }

        @Override
        public void save(org.dml4j.core.Snapshot out) {
            out.putString("type", NAME).putDouble("ratio", ratio).putLong("k", fixedK);
        }

        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            in.expect("type", NAME);
            ratio = in.getDouble("ratio");
            fixedK = in.getInt("k");
        }
    }
}
