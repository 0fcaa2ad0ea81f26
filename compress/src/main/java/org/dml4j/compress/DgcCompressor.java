package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.core.FloatKernels;

/**
 * Deep Gradient Compression: Top-k sparsification of a locally accumulated, momentum-corrected gradient.
 * Per round, with update g:
 * <ol>
 *   <li>local gradient clipping: {@code g ← g · min(1, clipNorm / ‖g‖)};</li>
 *   <li>momentum correction: {@code u ← m u + g}, {@code v ← v + u};</li>
 *   <li>the threshold is the Top-k threshold of a sample of v ({@code sampleRatio} of each layer); entries of v at or
 *       above it are selected and, if more than k, reduced to the exact Top-k of the selection (hierarchical
 *       selection). [reconstructed] When the sample overestimates and fewer than k pass, the count of those that
 *       passed moves the threshold down the sample and the layer is gathered again (the exact Top-k when that still
 *       falls short), so every layer sends exactly {@code k = ceil(density * layerSize)} entries: the same entries
 *       and traffic as Top-k on v. The paper does not correct the undershoot; uncorrected, a 1% sample sent about
 *       87% of k on heavy-tailed updates;</li>
 *   <li>momentum factor masking: the sent coordinates of u and v are cleared (v keeps the value-format rounding
 *       error, zero in fp32), so the momentum of a sent coordinate does not push it again (the paper's
 *       {@code u ← u ⊙ ¬mask}, {@code v ← v ⊙ ¬mask});</li>
 *   <li>warm-up: density {@code max(ratio, 0.25^(round+1))} during the first {@code warmupRounds} rounds.</li>
 * </ol>
 *
 * <pre>
 * Y. Lin, S. Han, H. Mao, Y. Wang, W. J. Dally, "Deep Gradient Compression: Reducing the Communication Bandwidth for
 * Distributed Training", ICLR 2018.
 * </pre>
 *
 * <p>[reconstructed] The paper's warm-up is in epochs; here it is in rounds (the FL engineer can pass epochs as
 * rounds with {@link CompressorState#beginRound}). DGC's accumulation already acts as error feedback, so the config
 * has no separate flag. Immutable and thread-safe; states are per worker and accept {@link CompressorState#setRatio}.
 */
public final class DgcCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "dgc";

    private final DgcConfig config;

    /** @param config the configuration */
    public DgcCompressor(DgcConfig config) {
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
            return DgcConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            return new DgcCompressor(Compressors.expect(config, DgcConfig.class, NAME));
        }
    }

    @Override
    public String name() {
        return NAME;
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

    /**
     * @param round   the round, from 0
     * @param ratio   the final density
     * @param warmup  warm-up rounds
     * @return the density DGC uses in that round
     */
    static double density(int round, double ratio, int warmup) {
        if (round >= warmup) {
            return ratio;
        }
        return Math.max(ratio, Math.pow(0.25, round + 1));
    }

    private final class State implements CompressorState {
        private final int dim;
        private final int[] segments;
        private final float[] u;
        private final float[] v;
        private final TopKSelector selector = new TopKSelector(CompressKernels.get());
        private final ValueFormat format = ValueFormat.parse(config.values(), "values");
        private double ratio = config.ratio();
        private int round;
        private int[] idx = new int[0];
        private float[] val = new float[0];

        State(int dim, int[] segments) {
            this.dim = dim;
            this.segments = segments;
            this.u = new float[dim];
            this.v = new float[dim];
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            Checks.length(update, dim);
            FloatKernels fk = FloatKernels.get();
            double ss = CompressKernels.get().sumSquares(update, 0, dim);
            if (!Double.isFinite(ss)) {
                throw TopKSelector.nonFinite(update, 0, dim);
            }
            double norm = Math.sqrt(ss);
            float c = 1f;
            if (config.clipNorm() != null && norm > config.clipNorm()) {
                c = (float) (config.clipNorm() / norm);
            }
            fk.scale(config.momentum().floatValue(), u, 0, dim);
            fk.axpy(c, update, 0, u, 0, dim);
            fk.axpy(1f, u, 0, v, 0, dim);
            double density = density(round, ratio, config.warmupRounds());
            int cap = 0;
            for (int s : segments) {
                cap += Checks.kOf(density, s);
            }
            if (idx.length < cap) {
                idx = new int[cap];
                val = new float[cap];
            }
            int off = 0;
            int pos = 0;
            for (int s : segments) {
                int k = Checks.kOf(density, s);
                int m = (int) Math.max(1, Math.ceil(s * config.sampleRatio()));
                pos += selector.selectSampled(v, off, s, k, m, idx, val, pos);
                off += s;
            }
            int[] outIdx = java.util.Arrays.copyOf(idx, pos);
            float[] outVal = java.util.Arrays.copyOf(val, pos);
            format.roundInPlace(outVal, 0, pos);
            for (int j = 0; j < pos; j++) {
                int i = outIdx[j];
                u[i] = 0f;
                v[i] -= outVal[j];
            }
            round++;
            return SparseUpdate.wrap(dim, outIdx, outVal, format);
        }

        @Override
        public void beginRound(int r) {
            CompressorState.super.beginRound(r);
            round = r;
        }

        @Override
        public void setRatio(double r) {
            ratio = Checks.ratio("ratio", r);
        }

        /** Saves the momentum {@code u}, the accumulated velocity {@code v}, the ratio and the round. */
        @Override
        public void save(org.dml4j.core.Snapshot out) {
            out.putString("type", "dgc").putFloats("momentum", u).putFloats("velocity", v).putDouble("ratio", ratio)
                    .putLong("round", round);
        }

        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            in.expect("type", "dgc");
            float[] mu = in.getFloats("momentum", dim);
            float[] ve = in.getFloats("velocity", dim);
            System.arraycopy(mu, 0, u, 0, dim);
            System.arraycopy(ve, 0, v, 0, dim);
            ratio = in.getDouble("ratio");
            round = in.getInt("round");
        }
    }
}
