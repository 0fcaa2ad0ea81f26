package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Scaled sign compression: every bucket is sent as one bit per element (the sign, +1 for zero) and the scale
 * {@code ||v||_1 / n}, i.e. {@code C(v) = (||v||_1 / n) sign(v)}. With error feedback this is EF-signSGD, which fixes
 * signSGD's bias and converges like SGD.
 *
 * <pre>
 * S. P. Karimireddy, Q. Rebjock, S. U. Stich, M. Jaggi, "Error Feedback Fixes SignSGD and other Gradient
 * Compression Schemes", ICML 2019.
 * J. Bernstein, Y.-X. Wang, K. Azizzadenesheli, A. Anandkumar, "signSGD: Compressed Optimisation for Non-Convex
 * Problems", ICML 2018.
 * </pre>
 *
 * <p>Averaging the workers' updates (the weighted mean every strategy applies) averages scaled signs; signSGD's
 * majority vote, where the server applies the sign of the sum of the signs, is {@link MajorityVote}.
 *
 * <p>Immutable and thread-safe; states are per worker.
 */
public final class SignCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "sign";

    private final SignConfig config;

    /** @param config the configuration */
    public SignCompressor(SignConfig config) {
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
            return SignConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            SignConfig c = Compressors.expect(config, SignConfig.class, NAME);
            return Compressors.withErrorFeedback(new SignCompressor(c), c.errorFeedback());
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
            super(dim, segments, config.bucketSize(), rng);
        }

        @Override
        QuantizedUpdate.Scheme scheme() {
            return QuantizedUpdate.Scheme.SIGN;
        }

        @Override
        int levels() {
            return 1;
        }

        @Override
        float bucket(float[] x, int off, int n, int b, int seed, int nextOff, int nextN) {
            double l1 = putSigns(x, off, n);
            if (!Double.isFinite(l1)) {
                throw nonFinite(x, off, n);
            }
            float scale = config.scaled() ? (float) (l1 / n) : 1f;
            return Float.isFinite(scale) ? scale : Float.MAX_VALUE;
        }
    }
}
