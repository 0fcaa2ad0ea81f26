package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Rand-k sparsification: keeps k coordinates drawn uniformly without replacement from the worker's seeded generator
 * (Floyd's algorithm on a reusable bitset, O(k + n/64) per call), optionally scaled by {@code n/k} so that
 * {@code E[decoded] = update}.
 *
 * <pre>
 * S. U. Stich, J.-B. Cordonnier, M. Jaggi, "Sparsified SGD with Memory", NeurIPS 2018.
 * J. Wangni, J. Wang, J. Liu, T. Zhang, "Gradient Sparsification for Communication-Efficient Distributed
 * Optimization", NeurIPS 2018.
 * </pre>
 *
 * <p>Immutable and thread-safe; states are per worker and accept {@link CompressorState#setRatio}.
 */
public final class RandKCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "randk";

    private final RandKConfig config;

    /** @param config the configuration */
    public RandKCompressor(RandKConfig config) {
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
            return RandKConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            RandKConfig c = Compressors.expect(config, RandKConfig.class, NAME);
            return Compressors.withErrorFeedback(new RandKCompressor(c), c.errorFeedback());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        return new State(dim, Checks.resolveSegments(NAME, dim, config.segments(), config.perLayer(), null), rng);
    }

    @Override
    public CompressorState newState(UpdateLayout layout, SplittableRandom rng) {
        return new State(layout.dim(), Checks.resolveSegments(NAME, layout.dim(), config.segments(),
                config.perLayer(), layout), rng);
    }

    private final class State implements CompressorState {
        private final int dim;
        private final int[] segments;
        private final SplittableRandom rng;
        private final long[] bits;
        private final ValueFormat format = ValueFormat.parse(config.values(), "values");
        private double ratio;
        private int fixedK;

        State(int dim, int[] segments, SplittableRandom rng) {
            this.dim = dim;
            this.segments = segments;
            this.rng = Objects.requireNonNull(rng, "rng");
            this.bits = new long[(dim + 63) >>> 6];
            if (config.k() != null) {
                if (config.k() > dim) {
                    throw new IllegalArgumentException("randk: k = " + config.k() + " is larger than dim " + dim);
                }
                fixedK = config.k();
            } else {
                ratio = config.ratio();
            }
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            Checks.length(update, dim);
            if (!CompressKernels.get().allFinite(update, 0, dim)) {
                throw TopKSelector.nonFinite(update, 0, dim);
            }
            int total = 0;
            for (int s : segments) {
                total += fixedK > 0 ? fixedK : Checks.kOf(ratio, s);
            }
            int[] idx = new int[total];
            float[] val = new float[total];
            int off = 0;
            int pos = 0;
            for (int n : segments) {
                int k = fixedK > 0 ? fixedK : Checks.kOf(ratio, n);
                for (int j = n - k; j < n; j++) {
                    int t = rng.nextInt(j + 1);
                    int g = off + t;
                    if ((bits[g >>> 6] & (1L << g)) != 0) {
                        g = off + j;
                    }
                    bits[g >>> 6] |= 1L << g;
                }
                float scale = config.unbiased() ? (float) ((double) n / k) : 1f;
                for (int w = off >>> 6; w <= (off + n - 1) >>> 6; w++) {
                    long word = bits[w];
                    while (word != 0) {
                        int i = (w << 6) + Long.numberOfTrailingZeros(word);
                        word &= word - 1;
                        float v = update[i] * scale;
                        if (!Float.isFinite(v)) {
                            throw new IllegalArgumentException("randk: value " + i + " = " + update[i]
                                    + " overflows when scaled by " + scale);
                        }
                        idx[pos] = i;
                        val[pos] = v;
                        pos++;
                    }
                    bits[w] = 0;
                }
                off += n;
            }
            format.roundInPlace(val, 0, total);
            return SparseUpdate.wrap(dim, idx, val, format);
        }

        @Override
        public void setRatio(double r) {
            ratio = Checks.ratio("ratio", r);
            fixedK = 0;
        }
    }
}
