package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * TernGrad: every bucket is sent as its scale {@code s = max |v_i|} and, per element, a ternary code in
 * {@code {-1, 0, +1}} with {@code P(code = sign(v_i)) = |v_i| / s}, so {@code E[decoded] = v} (2 bits per element).
 * With {@code clip}, magnitudes are first clipped at {@code clip} standard deviations of the bucket, as in the paper;
 * that trades a small bias for a smaller scale. The rounding noise is that of {@link QsgdCompressor} (a hashed,
 * per-call seeded dither: uniform per coordinate, sums with the variance of independent rounding).
 *
 * <pre>
 * W. Wen, C. Xu, F. Yan, C. Wu, Y. Wang, Y. Chen, H. Li, "TernGrad: Ternary Gradients to Reduce Communication in
 * Distributed Deep Learning", NeurIPS 2017.
 * </pre>
 *
 * <p>Scaler sharing, as in the paper: the states implement {@link ScalerSharing}; a round sends every worker's
 * {@link ScalerSharing#localScalers} to the server, {@link #shareScalers} takes their maximum, and each worker's
 * {@link ScalerSharing#setSharedScalers} makes its next {@code compress} use it. A value above a shared scaler
 * cannot occur (the maximum covers every worker); without sharing every worker uses its own scaler. With
 * {@code shared-scaler = true} the states ask a federated runtime for that exchange ({@link RoundExchange}: one
 * phase, the scalers, combined by {@link RoundExchange.Reduction#MAX}) before every compression.
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

    /**
     * TernGrad's scaler sharing (Wen et al. §3.1): every worker sends its per-bucket scalers, the server sends back
     * their maximum, and all workers ternarize with it, so that every worker's codes share one scale per bucket (the
     * server can add them as integers, and the scale is the same on every worker's wire).
     *
     * @param localScalers each worker's {@link ScalerSharing#localScalers} of the same round, all of one length
     * @return the element-wise maximum (a new array)
     * @throws IllegalArgumentException when the list is empty, the lengths differ or a scaler is negative or not
     *                                  finite
     */
    public static float[] shareScalers(java.util.List<float[]> localScalers) {
        if (localScalers.isEmpty()) {
            throw new IllegalArgumentException("localScalers must not be empty");
        }
        float[] max = new float[localScalers.get(0).length];
        for (int w = 0; w < localScalers.size(); w++) {
            float[] l = localScalers.get(w);
            if (l.length != max.length) {
                throw new IllegalArgumentException("localScalers[" + w + "] has " + l.length + " scalers, expected "
                        + max.length);
            }
            for (int b = 0; b < l.length; b++) {
                checkScaler(l[b], "localScalers[" + w + "][" + b + "]");
                max[b] = Math.max(max[b], l[b]);
            }
        }
        return max;
    }

    private static void checkScaler(float s, String name) {
        if (!(s >= 0f) || !Float.isFinite(s)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + s);
        }
    }

    private final class State extends BucketQuantizer implements ScalerSharing {
        /** Scalers set by {@link #setSharedScalers} for the next call only, or null. */
        private float[] shared;

        State(int dim, int[] segments, SplittableRandom rng) {
            super(dim, segments, config.bucketSize(), Objects.requireNonNull(rng, "rng"));
        }

        /** Saves the generator's position and the scalers set for the next call, if any. */
        @Override
        public void save(org.dml4j.core.Snapshot out) {
            super.save(out);
            if (shared != null) {
                out.putFloats("shared", shared);
            }
        }

        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            super.restore(in);
            shared = in.has("shared") ? in.getFloats("shared", buckets) : null;
        }

        @Override
        QuantizedUpdate.Scheme scheme() {
            return QuantizedUpdate.Scheme.SYMMETRIC;
        }

        @Override
        int levels() {
            return 1;
        }

        /** Where the bucket whose maximum magnitude the last call computed starts, or -1. */
        private int knownOff = -1;
        private float knownMax;

        /** @return the bucket's own scaler: max |v|, clipped at {@code clip} standard deviations when configured */
        private float localScaler(float[] x, int off, int n) {
            return localScaler(x, off, n, kernels.maxAbs(x, off, n));
        }

        private float localScaler(float[] x, int off, int n, float maxAbs) {
            float scale = maxAbs;
            if (!Float.isFinite(scale)) {
                throw nonFinite(x, off, n);
            }
            if (config.clip() != null) {
                double ss = kernels.sumSquares(x, off, n);
                double sum = 0;
                for (int i = off; i < off + n; i++) {
                    sum += x[i];
                }
                double mean = sum / n;
                double sigma = Math.sqrt(Math.max(0, ss / n - mean * mean));
                scale = (float) Math.min(scale, config.clip() * sigma);
            }
            return scale;
        }

        @Override
        public RoundExchange exchange() {
            return config.sharedScaler() ? exchange : null;
        }

        private final RoundExchange exchange = new RoundExchange() {
            @Override
            public int exchanges() {
                return 1;
            }

            @Override
            public Reduction reduction(int phase) {
                RoundExchange.checkPhase(phase, 1);
                return Reduction.MAX;
            }

            @Override
            public float[] localStatistic(int phase, float[] update) {
                RoundExchange.checkPhase(phase, 1);
                return localScalers(update);
            }

            @Override
            public void setShared(int phase, float[] combined) {
                RoundExchange.checkPhase(phase, 1);
                setSharedScalers(combined);
            }
        };

        @Override
        public float[] localScalers(float[] update) {
            Checks.length(update, dim);
            float[] out = new float[buckets];
            int off = 0;
            int b = 0;
            for (int seg : segments) {
                int end = off + seg;
                for (int start = off; start < end; start += bucketSize) {
                    out[b++] = localScaler(update, start, Math.min(bucketSize, end - start));
                }
                off = end;
            }
            return out;
        }

        @Override
        public void setSharedScalers(float[] scalers) {
            if (scalers.length != buckets) {
                throw new IllegalArgumentException("scalers must have one entry per bucket (" + buckets + "), got "
                        + scalers.length);
            }
            for (int b = 0; b < scalers.length; b++) {
                checkScaler(scalers[b], "scalers[" + b + "]");
            }
            shared = scalers.clone();
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            try {
                return super.compress(update);
            } finally {
                shared = null;
            }
        }

        @Override
        float bucket(float[] x, int off, int n, int b, int seed, int nextOff, int nextN) {
            float max = b > 0 && off == knownOff ? knownMax : kernels.maxAbs(x, off, n);
            knownOff = -1;
            float scale = localScaler(x, off, n, max);
            if (shared != null) {
                scale = shared[b];
            }
            float mul = 1f / scale;
            if (!(scale > 0f) || !Float.isFinite(mul)) {
                putZeros(n);
                return 0f;
            }
            if (nextN > 0) {
                // the next bucket's maximum is read while this one is ternarized
                knownMax = putQuantizedAndMaxAbs(x, off, n, mul, seed, nextOff, nextN);
                knownOff = nextOff;
            } else {
                putQuantized(x, off, n, mul, seed);
            }
            return scale;
        }
    }
}
