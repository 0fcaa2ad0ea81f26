package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Rand-k sparsification: keeps k coordinates (per segment) drawn uniformly without replacement (Floyd's algorithm on a
 * reusable bitset, O(k + n/64) per call), optionally scaled by {@code n/k} so that {@code E[decoded] = update}. Every
 * call draws a 64-bit seed from the worker's generator and the indices from that seed alone
 * ({@link #drawIndices}), so the wire carries the seed and the per-segment counts instead of the indices
 * ({@link SparseUpdate.IndexEncoding#SEEDED}); the server draws the same indices again.
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

    /**
     * Draws the indices of a Rand-k update: {@code counts[s]} distinct coordinates of segment s, uniformly, by Floyd's
     * algorithm with a {@link SplittableRandom} seeded with {@code seed}, in increasing order. The codec calls it to
     * rebuild seeded indices, so it must never change for format version 2.
     *
     * @param seed     the call's seed
     * @param segments segment lengths, each at least 1
     * @param counts   entries per segment, each in {@code [0, segments[s]]}
     * @param bits     a cleared bitset of at least {@code sum(segments)} bits; left cleared
     * @return the indices, sorted
     */
    static int[] drawIndices(long seed, int[] segments, int[] counts, long[] bits) {
        SplittableRandom r = new SplittableRandom(seed);
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        int[] idx = new int[total];
        int off = 0;
        int pos = 0;
        for (int s = 0; s < segments.length; s++) {
            int n = segments[s];
            for (int j = n - counts[s]; j < n; j++) {
                int g = off + r.nextInt(j + 1);
                if ((bits[g >>> 6] & (1L << g)) != 0) {
                    g = off + j;
                }
                bits[g >>> 6] |= 1L << g;
            }
            for (int w = off >>> 6; w <= (off + n - 1) >>> 6; w++) {
                long word = bits[w];
                // a word shared with the next segment keeps that segment's bits (none are set yet)
                while (word != 0) {
                    idx[pos++] = (w << 6) + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                }
                bits[w] = 0;
            }
            off += n;
        }
        return idx;
    }

    private final class State implements CompressorState {
        private final int dim;
        private final int[] segments;
        private final SplittableRandom rng;
        private final long[] bits;
        private final ValueFormat format = ValueFormat.parse(config.values(), "values");
        private double ratio;
        private int fixedK;
        /** The seed of the next call, drawn ahead so that a failed call leaves the state as it was. */
        private long nextSeed;
        /** Draws made from {@code rng} so far: its position, for checkpoints. */
        private long draws;

        State(int dim, int[] segments, SplittableRandom rng) {
            this.dim = dim;
            this.segments = segments;
            this.rng = Objects.requireNonNull(rng, "rng");
            this.bits = new long[(dim + 63) >>> 6];
            this.nextSeed = this.rng.nextLong();
            this.draws = 1;
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
            int[] counts = new int[segments.length];
            for (int s = 0; s < segments.length; s++) {
                counts[s] = fixedK > 0 ? fixedK : Checks.kOf(ratio, segments[s]);
            }
            long seed = nextSeed;
            int[] idx = drawIndices(seed, segments, counts, bits);
            float[] val = new float[idx.length];
            int pos = 0;
            for (int s = 0; s < segments.length; s++) {
                int n = segments[s];
                float scale = config.unbiased() ? (float) ((double) n / counts[s]) : 1f;
                for (int j = 0; j < counts[s]; j++, pos++) {
                    int i = idx[pos];
                    float v = update[i] * scale;
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("randk: value " + i + " = " + update[i]
                                + " overflows when scaled by " + scale);
                    }
                    val[pos] = v;
                }
            }
            format.roundInPlace(val, 0, val.length);
            nextSeed = rng.nextLong();
            draws++;
            return SparseUpdate.wrapSeeded(dim, idx, val, format,
                    new SparseUpdate.Seeded(seed, segments.clone(), counts));
        }

        @Override
        public void setRatio(double r) {
            ratio = Checks.ratio("ratio", r);
            fixedK = 0;
        }

        @Override
        public void save(org.dml4j.core.Snapshot out) {
            out.putString("type", NAME).putDouble("ratio", ratio).putLong("k", fixedK).putLong("draws", draws)
                    .putLong("next-seed", nextSeed);
        }

        /** Advances the fresh generator to the saved position and checks it lands on the saved next seed. */
        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            in.expect("type", NAME);
            long d = in.getLong("draws");
            if (draws != 1 || d < 1) {
                throw new IllegalArgumentException("randk: restore needs a fresh state and a saved one (draws " + draws
                        + ", saved " + d + ")");
            }
            long last = CompressorState.advance(rng, d - 1);
            if (d > 1 ? last != in.getLong("next-seed") : nextSeed != in.getLong("next-seed")) {
                throw new IllegalArgumentException("checkpoint entry '" + in.prefix() + "next-seed' does not follow"
                        + " from this run's seed: the checkpoint belongs to another run");
            }
            nextSeed = in.getLong("next-seed");
            draws = d;
            ratio = in.getDouble("ratio");
            fixedK = in.getInt("k");
        }
    }
}
