package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * QSGD: every bucket is sent as its L2 norm and, per element, a sign and a level in {@code [0, s]} chosen by
 * unbiased stochastic rounding of {@code s |v_i| / ||v||}, so {@code E[decoded] = v}, with the variance bound of the
 * paper. On the wire ({@link QuantizedUpdate}) the codes are either fixed-width ({@code ceil(log2(2s+1))} bits) or,
 * when that is smaller, Elias-gamma coded as in the paper's §3.2 ({@link QuantizedUpdate.Coding#ELIAS_GAMMA}): at
 * s = 1 and d = 10^6 about 2.0-2.1 kB instead of 250 kB, 0.82-0.86 of the paper's bound (Gaussian updates).
 *
 * <p>Rounding noise: each coordinate's dither is a hashed counter of the element index under a per-call seed drawn
 * from the worker's generator ({@link CompressKernels#dither}), uniform over 2^(24−b) equally spaced values of
 * [0, 1) per coordinate (b = bits of s), so a coordinate rounds up with the probability of its fractional part to
 * within that spacing, 2^(b−24) (the rounded sum is one fma, exact on that grid); sums of rounded
 * coordinates have the variance of independent rounding (to the sampling error of the tests; the dithers of one
 * call are a function of one 32-bit seed, so they are not exactly independent).
 *
 * <pre>
 * D. Alistarh, D. Grubic, J. Li, R. Tomioka, M. Vojnovic, "QSGD: Communication-Efficient SGD via Gradient
 * Quantization and Encoding", NeurIPS 2017.
 * </pre>
 *
 * <p>Encoding reads every bucket once while it is in cache (norm, then codes) and packs the codes straight into the
 * result; the Elias-gamma size is computed on the first {@link CompressedUpdate#wireBytes()} call.
 *
 * <p>Immutable and thread-safe; states are per worker. Buckets whose norm is 0 (or too small for {@code s/||v||} to
 * be a finite float) are sent as zeros.
 */
public final class QsgdCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "qsgd";

    private final QsgdConfig config;

    /** @param config the configuration */
    public QsgdCompressor(QsgdConfig config) {
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
            return QsgdConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            QsgdConfig c = Compressors.expect(config, QsgdConfig.class, NAME);
            return Compressors.withErrorFeedback(new QsgdCompressor(c), c.errorFeedback());
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
            return config.levels();
        }

        /** Where the bucket whose sum of squares the last call computed starts, or -1. */
        private int knownOff = -1;
        private double knownSumSquares;

        @Override
        float bucket(float[] x, int off, int n, int b, int seed, int nextOff, int nextN) {
            double ss = b > 0 && off == knownOff ? knownSumSquares : kernels.sumSquares(x, off, n);
            knownOff = -1;
            if (!Double.isFinite(ss)) {
                throw nonFinite(x, off, n);
            }
            float norm = (float) Math.sqrt(ss);
            float mul = config.levels() / norm;
            if (!(norm > 0f) || !Float.isFinite(mul) || !Float.isFinite(norm)) {
                putZeros(n);
                return 0f;
            }
            if (nextN > 0) {
                // the next bucket's norm is read while this one is quantized
                knownSumSquares = putQuantizedAndNorm(x, off, n, mul, seed, nextOff, nextN);
                knownOff = nextOff;
            } else {
                putQuantized(x, off, n, mul, seed);
            }
            return norm;
        }
    }
}
