package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.core.FloatKernels;

/**
 * TernGrad: every bucket is sent as its scale {@code s = max |v_i|} and, per element, a ternary code in
 * {@code {-1, 0, +1}} with {@code P(code = sign(v_i)) = |v_i| / s}, so {@code E[decoded] = v} (2 bits per element).
 * With {@code clip}, magnitudes are first clipped at {@code clip} standard deviations of the bucket, as in the paper;
 * that trades a small bias for a smaller scale.
 *
 * <pre>
 * W. Wen, C. Xu, F. Yan, C. Wu, Y. Wang, Y. Chen, H. Li, "TernGrad: Ternary Gradients to Reduce Communication in
 * Distributed Deep Learning", NeurIPS 2017.
 * </pre>
 *
 * <p>Immutable and thread-safe; states are per worker.
 */
public final class TernGradCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "terngrad";

    private final TernGradConfig config;

    /** @param config the configuration */
    public TernGradCompressor(TernGradConfig config) {
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
            return TernGradConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            TernGradConfig c = Compressors.expect(config, TernGradConfig.class, NAME);
            return Compressors.withErrorFeedback(new TernGradCompressor(c), c.errorFeedback());
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

    private final class State extends BucketQuantizer {
        State(int dim, int[] segments, SplittableRandom rng) {
            super(dim, segments, config.bucketSize(), Objects.requireNonNull(rng, "rng"));
        }

        @Override
        QuantizedUpdate.Scheme scheme() {
            return QuantizedUpdate.Scheme.SYMMETRIC;
        }

        @Override
        int levels() {
            return 1;
        }

        @Override
        float bucket(float[] x, int off, int n, int b, int seed) {
            FloatKernels fk = FloatKernels.get();
            double ss = kernels.sumSquares(x, off, n);
            if (!Double.isFinite(ss)) {
                throw nonFinite(x, off, n);
            }
            float scale = fk.maxAbs(x, off, n);
            if (config.clip() != null) {
                double sum = 0;
                for (int i = off; i < off + n; i++) {
                    sum += x[i];
                }
                double mean = sum / n;
                double sigma = Math.sqrt(Math.max(0, ss / n - mean * mean));
                scale = (float) Math.min(scale, config.clip() * sigma);
            }
            float mul = 1f / scale;
            if (!(scale > 0f) || !Float.isFinite(mul)) {
                putZeros(n);
                return 0f;
            }
            putQuantized(x, off, n, mul, seed);
            return scale;
        }
    }
}
