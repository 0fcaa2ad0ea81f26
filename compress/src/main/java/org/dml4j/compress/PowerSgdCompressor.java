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
 * <p>The paper all-reduces P and Q across workers so that every worker shares one Q. By default ([reconstructed]) each
 * worker factors its own update and keeps its own Q, which fits parameter-server and federated aggregation (one
 * message a way; the server sums the decoded low-rank matrices). With {@code shared-q = true} the states implement
 * the all-reduce form ({@link FactorSharing}): every worker starts from the same Q, the mean of the workers'
 * {@code M_w Q} is orthonormalized identically on every worker, each sends {@code Q_w = M_wᵀ P̂}, and the mean of the
 * workers' Q is the next round's shared warm start, so the mean of the decoded updates is the paper's
 * {@code P̂ Q̄ᵀ = P̂ P̂ᵀ M̄}. The states then ask a federated runtime for these all-reduces ({@link RoundExchange},
 * two phases a round, both combined by {@link RoundExchange.Reduction#MEAN}), as the paper's Algorithm 1 makes
 * them: phase 0 sends {@code P = M Q} and gets the mean P, phase 1 sends {@code Q_w = M_wᵀ P̂} and gets the mean Q,
 * which becomes the warm start of the worker's next round. The reply then carries only the raw layers: its factored
 * blocks are {@linkplain LowRankUpdate.Factored#exchanged() exchanged} (P̂ follows from the mean P the server
 * combined, {@code Q_w} is the worker's phase-1 report), so a round's uplink is exactly the two all-reduces' P and
 * Q, the raw layers and headers. With full participation this is the paper's algorithm; with a sampled cohort, a
 * worker starts from the mean Q of the last round it took part in, so the cohort's workers may start from different
 * Q: P̂ is still one orthonormal basis shared by the cohort and each update is still {@code P̂ P̂ᵀ M_w}, only the
 * warm start is weaker. With error feedback, a worker's residual is what its own message misses,
 * {@code M_w − P̂ Q_wᵀ}. Use error feedback, as the paper does.
 *
 * <p>Immutable and thread-safe; states are per worker. Matrix products use {@link FloatKernels} dot/axpy on rows.
 */
public final class PowerSgdCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "powersgd";

    /** Seed of layer 0's initial Q when every worker shares it (layer l uses this + l). */
    private static final long SHARED_Q_SEED = 0x9057_5CDL;

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

    private final class State implements CompressorState, FactorSharing {
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
        /** The orthonormalized shared P of every factored layer for the next call only ({@link #setSharedP}). */
        private float[][] sharedP;
        /** This round's {@code Q_w = Mᵀ P̂} of every factored layer, reported in exchange phase 1, or null. */
        private float[][] reportedQ;
        /** Whether exchange phase 1 installed the mean Q as the next warm start this round. */
        private boolean exchangedQ;

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
                initialQ(l);
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

        /**
         * Draws layer l's Q: from the state's generator, or, with {@code shared-q}, from the layer's fixed seed
         * (the same on every worker; not a draw of the state's generator).
         */
        private void initialQ(int l) {
            SplittableRandom g = config.sharedQ() ? new SplittableRandom(SHARED_Q_SEED + l) : rng;
            float[] a = q[l];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) nextGaussian(g);
            }
        }

        private double nextGaussian(SplittableRandom g) {
            double u1 = 1.0 - g.nextDouble();
            double u2 = g.nextDouble();
            if (g == rng) {
                draws += 2;
            }
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }

        /** {@code p[l] = M Q} of layer l, M at {@code update[off..]}. */
        private void project(FloatKernels k, float[] update, int off, int l) {
            int r = rows[l];
            int c = cols[l];
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < rank; j++) {
                    p[l][j * r + i] = (float) k.dot(update, off + i * c, q[l], j * c, c);
                }
            }
        }

        @Override
        public RoundExchange exchange() {
            return config.sharedQ() ? exchange : null;
        }

        private final RoundExchange exchange = new RoundExchange() {
            @Override
            public int exchanges() {
                return 2;
            }

            @Override
            public Reduction reduction(int phase) {
                RoundExchange.checkPhase(phase, 2);
                return Reduction.MEAN;
            }

            /** Phase 0: {@code P = M Q} ({@link #localP}); phase 1: {@code Q_w = Mᵀ P̂} with the shared P̂. */
            @Override
            public float[] localStatistic(int phase, float[] update) {
                RoundExchange.checkPhase(phase, 2);
                if (phase == 0) {
                    return localP(update);
                }
                Checks.length(update, dim);
                if (sharedP == null) {
                    throw new IllegalStateException("powersgd: exchange phase 1 needs the mean P of phase 0 first");
                }
                FloatKernels k = FloatKernels.get();
                float[][] own = new float[layers][];
                for (int l = 0; l < layers; l++) {
                    if (q[l] != null) {
                        own[l] = new float[q[l].length];
                        backProject(k, update, offsets[l], l, sharedP[l], own[l]);
                    }
                }
                reportedQ = own;
                return concat(own);
            }

            /** Phase 0: the mean P ({@link #setSharedP}); phase 1: the mean Q, the next round's warm start. */
            @Override
            public void setShared(int phase, float[] combined) {
                RoundExchange.checkPhase(phase, 2);
                if (phase == 0) {
                    setSharedP(combined);
                } else {
                    if (reportedQ == null) {
                        throw new IllegalStateException("powersgd: exchange phase 1's mean Q came before this"
                                + " worker's own report");
                    }
                    setSharedQ(combined);
                    exchangedQ = true;
                }
            }
        };

        @Override
        public float[] localP(float[] update) {
            Checks.length(update, dim);
            if (!config.warmStart()) { // a fresh Q every round; with shared-q the same on every worker
                for (int l = 0; l < layers; l++) {
                    if (q[l] != null) {
                        initialQ(l);
                    }
                }
            }
            FloatKernels k = FloatKernels.get();
            float[] out = new float[factorLength(p)];
            int o = 0;
            for (int l = 0; l < layers; l++) {
                if (q[l] != null) {
                    project(k, update, offsets[l], l);
                    System.arraycopy(p[l], 0, out, o, p[l].length);
                    o += p[l].length;
                }
            }
            return out;
        }

        @Override
        public void setSharedP(float[] meanP) {
            float[][] next = new float[layers][];
            FloatKernels k = FloatKernels.get();
            int o = split(meanP, p, "meanP", (a, l) -> next[l] = a);
            assert o == meanP.length;
            for (int l = 0; l < layers; l++) {
                if (next[l] != null) {
                    orthonormalize(k, next[l], rows[l]);
                }
            }
            sharedP = next;
        }

        @Override
        public void setSharedQ(float[] meanQ) {
            split(meanQ, q, "meanQ", (a, l) -> System.arraycopy(a, 0, q[l], 0, a.length));
        }

        @Override
        public float[] q() {
            return concat(q);
        }

        /** @return the factored layers' arrays one after the other (a new array) */
        private float[] concat(float[][] factors) {
            float[] out = new float[factorLength(factors)];
            int o = 0;
            for (float[] f : factors) {
                if (f != null) {
                    System.arraycopy(f, 0, out, o, f.length);
                    o += f.length;
                }
            }
            return out;
        }

        /** {@code out = Mᵀ P} of layer l, M at {@code update[off..]}, P in {@code pl} ({@code rank} columns). */
        private void backProject(FloatKernels k, float[] update, int off, int l, float[] pl, float[] out) {
            int r = rows[l];
            int c = cols[l];
            java.util.Arrays.fill(out, 0f);
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < rank; j++) {
                    float a = pl[j * r + i];
                    if (a != 0f) {
                        k.axpy(a, update, off + i * c, out, j * c, c);
                    }
                }
            }
        }

        private int factorLength(float[][] factors) {
            int n = 0;
            for (float[] f : factors) {
                n += f == null ? 0 : f.length;
            }
            return n;
        }

        /** Checks {@code values} against the factors' layout and hands each factored layer's slice (a copy) on. */
        private int split(float[] values, float[][] like, String name,
                          java.util.function.ObjIntConsumer<float[]> sink) {
            int n = factorLength(like);
            if (values.length != n) {
                throw new IllegalArgumentException(name + " must hold " + n + " values (the factored layers' "
                        + (like == p ? "P" : "Q") + "), got " + values.length);
            }
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new IllegalArgumentException(name + "[" + i + "] must be finite, got " + values[i]);
                }
            }
            int o = 0;
            for (int l = 0; l < layers; l++) {
                if (like[l] != null) {
                    sink.accept(java.util.Arrays.copyOfRange(values, o, o + like[l].length), l);
                    o += like[l].length;
                }
            }
            return o;
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            Checks.length(update, dim);
            if (!CompressKernels.get().allFinite(update, 0, dim)) {
                throw TopKSelector.nonFinite(update, 0, dim);
            }
            float[][] shared = sharedP;
            sharedP = null;
            float[][] reported = exchangedQ ? reportedQ : null; // Q_w went out in phase 1; q holds the mean Q
            reportedQ = null;
            exchangedQ = false;
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
                if (shared != null) {
                    System.arraycopy(shared[l], 0, pl, 0, pl.length);
                } else {
                    if (!config.warmStart()) {
                        initialQ(l);
                    }
                    project(k, update, off, l);
                    orthonormalize(k, pl, r);
                }
                float[] qOut;
                if (reported != null) {
                    qOut = reported[l]; // the warm start q[l] stays the mean Q of phase 1
                } else {
                    backProject(k, update, off, l, pl, ql);
                    qOut = ql.clone();
                }
                float[] pOut = pl.clone();
                format.roundInPlace(pOut, 0, pOut.length);
                format.roundInPlace(qOut, 0, qOut.length);
                blocks[l] = new LowRankUpdate.Factored(r, c, rank, pOut, qOut, reported != null);
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
