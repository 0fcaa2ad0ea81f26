package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.core.FloatKernels;

/**
 * Error feedback around any compressor: each worker keeps the residual {@code e} of what it did not send and adds it
 * to the next update, {@code Δ̂ = C(e + g)}, {@code e ← e + g − Δ̂}. With Top-k this is the EF-SGD of DAGC's
 * Algorithm 1; with scaled sign it is EF-signSGD.
 *
 * <pre>
 * S. P. Karimireddy, Q. Rebjock, S. U. Stich, M. Jaggi, "Error Feedback Fixes SignSGD and other Gradient
 * Compression Schemes", ICML 2019.
 * S. U. Stich, J.-B. Cordonnier, M. Jaggi, "Sparsified SGD with Memory", NeurIPS 2018.
 * </pre>
 *
 * <p>Mass is conserved up to float rounding: {@code decoded + newResidual == update + oldResidual}. The residual
 * update costs one pass over the vector plus the update's {@code addTo}; the buffers are swapped, not copied.
 *
 * <p>Immutable and thread-safe; its states belong to one worker each. Selected with {@code error-feedback = true}
 * in any compressor's config, or by {@link #wrap}.
 */
public final class ErrorFeedback implements GradientCompressor {
    private final GradientCompressor inner;

    private ErrorFeedback(GradientCompressor inner) {
        this.inner = inner;
    }

    /**
     * @param inner the compressor to wrap; wrapping an error-feedback compressor again returns it unchanged
     * @return the wrapped compressor
     */
    public static GradientCompressor wrap(GradientCompressor inner) {
        Objects.requireNonNull(inner, "inner");
        return inner instanceof ErrorFeedback ? inner : new ErrorFeedback(inner);
    }

    /** @return the wrapped compressor */
    public GradientCompressor inner() {
        return inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public State newState(int dim, SplittableRandom rng) {
        return new State(inner.newState(dim, rng), Checks.dim(dim));
    }

    @Override
    public State newState(UpdateLayout layout, SplittableRandom rng) {
        return new State(inner.newState(layout, rng), layout.dim());
    }

    @Override
    public String toString() {
        return "ErrorFeedback[" + inner + "]";
    }

    /** Per-worker state: the residual and a working buffer. Single owner. */
    public static final class State implements CompressorState, ScalerSharing, FactorSharing {
        private final CompressorState inner;
        private final int dim;
        private float[] residual;
        private float[] work;

        State(CompressorState inner, int dim) {
            this.inner = inner;
            this.dim = dim;
            this.residual = new float[dim];
            this.work = new float[dim];
        }

        @Override
        public CompressedUpdate compress(float[] update) {
            Checks.length(update, dim);
            float[] acc = work;
            System.arraycopy(residual, 0, acc, 0, dim);
            FloatKernels.get().axpy(1f, update, 0, acc, 0, dim);
            CompressedUpdate u = inner.compress(acc);
            work = residual;
            residual = acc;
            u.addTo(residual, -1f);
            return u;
        }

        /**
         * Forwards to the inner state, for residual plus update (what the next {@link #compress} quantizes).
         *
         * @throws UnsupportedOperationException when the inner compressor does not share scalers
         */
        @Override
        public float[] localScalers(float[] update) {
            return sharing().localScalers(withResidual(update));
        }

        /** @return residual plus update, in the work buffer (which the next {@link #compress} overwrites) */
        private float[] withResidual(float[] update) {
            Checks.length(update, dim);
            float[] acc = work;
            System.arraycopy(residual, 0, acc, 0, dim);
            FloatKernels.get().axpy(1f, update, 0, acc, 0, dim);
            return acc;
        }

        /**
         * Forwards to the inner state, for residual plus update (what the next {@link #compress} factors).
         *
         * @throws UnsupportedOperationException when the inner compressor does not share factors
         */
        @Override
        public float[] localP(float[] update) {
            return factors().localP(withResidual(update));
        }

        /** @throws UnsupportedOperationException when the inner compressor does not share factors */
        @Override
        public void setSharedP(float[] meanP) {
            factors().setSharedP(meanP);
        }

        /** @throws UnsupportedOperationException when the inner compressor does not share factors */
        @Override
        public void setSharedQ(float[] meanQ) {
            factors().setSharedQ(meanQ);
        }

        /** @throws UnsupportedOperationException when the inner compressor does not share factors */
        @Override
        public float[] q() {
            return factors().q();
        }

        private FactorSharing factors() {
            if (inner instanceof FactorSharing f) {
                return f;
            }
            throw new UnsupportedOperationException("this compressor does not share low-rank factors ("
                    + inner.getClass().getSimpleName() + ")");
        }

        /** @throws UnsupportedOperationException when the inner compressor does not share scalers */
        @Override
        public void setSharedScalers(float[] scalers) {
            sharing().setSharedScalers(scalers);
        }

        private ScalerSharing sharing() {
            if (inner instanceof ScalerSharing s) {
                return s;
            }
            throw new UnsupportedOperationException("this compressor does not share scalers ("
                    + inner.getClass().getSimpleName() + ")");
        }

        /**
         * @return the inner state's exchange, its statistics taken of residual plus update (what the next
         *     {@link #compress} gets), or null when the inner state has none
         */
        @Override
        public RoundExchange exchange() {
            RoundExchange in = inner.exchange();
            if (in == null) {
                return null;
            }
            return new RoundExchange() {
                @Override
                public int exchanges() {
                    return in.exchanges();
                }

                @Override
                public Reduction reduction(int phase) {
                    return in.reduction(phase);
                }

                @Override
                public float[] localStatistic(int phase, float[] update) {
                    return in.localStatistic(phase, withResidual(update));
                }

                @Override
                public void setShared(int phase, float[] combined) {
                    in.setShared(phase, combined);
                }
            };
        }

        /** @return a copy of the current residual */
        public float[] residual() {
            return residual.clone();
        }

        /** @return the squared L2 norm of the residual (a per-round metric) */
        public double residualNormSquared() {
            return FloatKernels.get().sumSquares(residual, 0, dim);
        }

        /** Saves the residual and, under {@code inner/}, the wrapped state. */
        @Override
        public void save(org.dml4j.core.Snapshot out) {
            out.putString("type", "error-feedback").putFloats("residual", residual);
            inner.save(out.under("inner"));
        }

        @Override
        public void restore(org.dml4j.core.Snapshot in) {
            in.expect("type", "error-feedback");
            float[] r = in.getFloats("residual", dim);
            inner.restore(in.under("inner"));
            residual = r;
        }

        /** Clears the residual (for example when a client restarts from a fresh model). */
        public void reset() {
            java.util.Arrays.fill(residual, 0f);
        }

        @Override
        public void beginRound(int round) {
            inner.beginRound(round);
        }

        @Override
        public void setRatio(double ratio) {
            inner.setRatio(ratio);
        }

        @Override
        public void setThreshold(double threshold) {
            inner.setThreshold(threshold);
        }
    }
}
