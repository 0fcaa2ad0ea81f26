package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.core.FloatKernels;

/**
 * PowerSGD: every matrix layer M ({@code rows x cols}; a convolution kernel {@code out x in x kh x kw} is viewed as
 * {@code out x (in*kh*kw)}) is sent as rank-r factors found by one step of subspace iteration,
 * {@code P = M Q}, {@code P̂ = orthonormalize(P)}, {@code Q = Mᵀ P̂}, decoded as {@code P̂ Qᵀ}; Q is kept for the next
 * round (warm start). Vector layers, and matrices too small for factors to pay off ({@code (rows+cols) r >= rows
 * cols}), are sent raw.
 *
 * <pre>
 * T. Vogels, S. P. Karimireddy, M. Jaggi, "PowerSGD: Practical Low-Rank Gradient Compression for Distributed
 * Optimization", NeurIPS 2019.
 * </pre>
 *
 * <p>[reconstructed] The paper all-reduces P and Q across workers so that every worker shares one Q. Here each worker
 * factors its own update and keeps its own Q, which fits parameter-server and federated aggregation (the server sums
 * the decoded low-rank matrices). Use error feedback, as the paper does.
 *
 * <p>Immutable and thread-safe; states are per worker. Matrix products use {@link FloatKernels} dot/axpy on rows.
 */
public final class PowerSgdCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "powersgd";

    private final PowerSgdConfig config;

    /** @param config the configuration */
    public PowerSgdCompressor(PowerSgdConfig config) {
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
            return PowerSgdConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            PowerSgdConfig c = Compressors.expect(config, PowerSgdConfig.class, NAME);
            return Compressors.withErrorFeedback(new PowerSgdCompressor(c), c.errorFeedback());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        if (config.shapes() == null) {
            throw new IllegalArgumentException("powersgd needs layer shapes: set shapes in the config or call"
                    + " newState(UpdateLayout, rng)");
        }
        UpdateLayout layout = new UpdateLayout(config.shapes());
        if (layout.dim() != dim) {
            throw new IllegalArgumentException("powersgd: shapes hold " + layout.dim() + " elements but dim is " + dim);
        }
        return new State(layout, rng);
    }

    @Override
    public CompressorState newState(UpdateLayout layout, SplittableRandom rng) {
        if (config.shapes() != null) {
            return newState(layout.dim(), rng);
        }
        return new State(layout, rng);
    }

    private final class State implements CompressorState {
        private final int dim;
        private final int layers;
        private final int[] offsets;
        private final int[] rows;
        private final int[] cols;
        private final float[][] q;
        private final float[][] p;
        private final SplittableRandom rng;
        private final ValueFormat format = ValueFormat.parse(config.values(), "values");
        private final int rank = config.rank();
        /** Draws made from {@code rng} so far: its position, for checkpoints. */
        private long draws;
        /** Draws of a fresh state (its initial Q); a restored state must start from there. */
        private final long initialDraws;

        State(UpdateLayout layout, SplittableRandom rng) {
            this.rng = Objects.requireNonNull(rng, "rng");
            this.dim = Checks.dim(layout.dim());
            this.layers = layout.layers();
            this.offsets = new int[layers];
            this.rows = new int[layers];
            this.cols = new int[layers];
            this.q = new float[layers][];
            this.p = new float[layers][];
            int off = 0;
            for (int l = 0; l < layers; l++) {
                int[] shape = layout.shape(l);
                int size = layout.size(l);
                offsets[l] = off;
                off += size;
                if (shape.length < 2) {
                    continue;
                }
                int r = shape[0];
                int c = size / r;
                if (rank >= Math.min(r, c) || (long) (r + c) * rank >= (long) r * c) {
                    continue;
                }
                rows[l] = r;
                cols[l] = c;
                q[l] = new float[rank * c];
                p[l] = new float[rank * r];
                gaussian(q[l]);
            }
            initialDraws = draws;
        }

        /** Saves the factors Q (the warm start) of every factored layer and the generator's position. */
        @Override
        public void save(org.dml4j.core.Snapshot out) {
            out.putString("type", NAME).putLong("draws", draws);
            for (int l = 0; l < layers; l++) {
                if (q[l] != null) {
                    out.putFloats("q/" + l, q[l]);
                }
            }
        }

        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            in.expect("type", NAME);
            long d = in.getLong("draws");
            if (draws != initialDraws || d < initialDraws) {
                throw new IllegalArgumentException("powersgd: restore needs a fresh state and a saved one (draws "
                        + draws + ", saved " + d + ")");
            }
            float[][] saved = new float[layers][];
            for (int l = 0; l < layers; l++) {
                if (q[l] != null) {
                    saved[l] = in.getFloats("q/" + l, q[l].length);
                }
            }
            for (long i = initialDraws; i < d; i++) {
                rng.nextDouble();
            }
            draws = d;
            for (int l = 0; l < layers; l++) {
                if (saved[l] != null) {
                    System.arraycopy(saved[l], 0, q[l], 0, saved[l].length);
                }
            }
        }

        private void gaussian(float[] a) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) nextGaussian();
            }
        }

        private double nextGaussian() {
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            draws += 2;
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            Checks.length(update, dim);
            if (!CompressKernels.get().allFinite(update, 0, dim)) {
                throw TopKSelector.nonFinite(update, 0, dim);
            }
            FloatKernels k = FloatKernels.get();
            LowRankUpdate.Block[] blocks = new LowRankUpdate.Block[layers];
            for (int l = 0; l < layers; l++) {
                int off = offsets[l];
                int size = (l + 1 < layers ? offsets[l + 1] : dim) - off;
                if (q[l] == null) {
                    float[] raw = java.util.Arrays.copyOfRange(update, off, off + size);
                    format.roundInPlace(raw, 0, size);
                    blocks[l] = new LowRankUpdate.Raw(raw);
                    continue;
                }
                int r = rows[l];
                int c = cols[l];
                float[] ql = q[l];
                float[] pl = p[l];
                if (!config.warmStart()) {
                    gaussian(ql);
                }
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < rank; j++) {
                        pl[j * r + i] = (float) k.dot(update, off + i * c, ql, j * c, c);
                    }
                }
                orthonormalize(k, pl, r);
                java.util.Arrays.fill(ql, 0f);
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < rank; j++) {
                        float a = pl[j * r + i];
                        if (a != 0f) {
                            k.axpy(a, update, off + i * c, ql, j * c, c);
                        }
                    }
                }
                float[] pOut = pl.clone();
                float[] qOut = ql.clone();
                format.roundInPlace(pOut, 0, pOut.length);
                format.roundInPlace(qOut, 0, qOut.length);
                blocks[l] = new LowRankUpdate.Factored(r, c, rank, pOut, qOut);
            }
            return LowRankUpdate.wrap(dim, blocks, format);
        }

        /** Modified Gram-Schmidt on the {@code rank} columns of length {@code n}; null columns become zero. */
        private void orthonormalize(FloatKernels k, float[] cols, int n) {
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < j; i++) {
                    float proj = (float) k.dot(cols, j * n, cols, i * n, n);
                    if (proj != 0f) {
                        k.axpy(-proj, cols, i * n, cols, j * n, n);
                    }
                }
                double norm = Math.sqrt(k.sumSquares(cols, j * n, n));
                if (norm > 1e-30) {
                    k.scale((float) (1.0 / norm), cols, j * n, n);
                } else {
                    java.util.Arrays.fill(cols, j * n, (j + 1) * n, 0f);
                }
            }
        }
    }
}
