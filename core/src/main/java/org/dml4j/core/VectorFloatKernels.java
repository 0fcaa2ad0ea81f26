package org.dml4j.core;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels: preferred species, {@code loopBound}, several accumulators and a scalar tail. Sums are
 * accumulated per lane in float over blocks of at most {@value #BLOCK} elements and then added in double, so they
 * agree with the scalar reference to float rounding. Loaded reflectively by {@link FloatKernels#get()} only when the
 * incubator module is present. Thread-safe.
 */
final class VectorFloatKernels implements FloatKernels {
    static final VectorFloatKernels INSTANCE = new VectorFloatKernels();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements summed in float lanes before spilling to a double total. */
    private static final int BLOCK = 1 << 12;

    private VectorFloatKernels() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int vectorBitSize() {
        return S.vectorBitSize();
    }

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int n) {
        Objects.checkFromIndexSize(xOff, n, x.length);
        Objects.checkFromIndexSize(yOff, n, y.length);
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            int i = 0;
            int bound2 = len - len % (2 * L);
            for (; i < bound2; i += 2 * L) {
                int xi = xOff + start + i;
                int yi = yOff + start + i;
                a0 = FloatVector.fromArray(S, x, xi).fma(FloatVector.fromArray(S, y, yi), a0);
                a1 = FloatVector.fromArray(S, x, xi + L).fma(FloatVector.fromArray(S, y, yi + L), a1);
            }
            int bound = S.loopBound(len);
            for (; i < bound; i += L) {
                a0 = FloatVector.fromArray(S, x, xOff + start + i).fma(FloatVector.fromArray(S, y, yOff + start + i), a0);
            }
            double s = a0.add(a1).reduceLanes(VectorOperators.ADD);
            for (; i < len; i++) {
                s += (double) x[xOff + start + i] * y[yOff + start + i];
            }
            total += s;
        }
        return total;
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        Objects.checkFromIndexSize(xOff, n, x.length);
        Objects.checkFromIndexSize(yOff, n, y.length);
        FloatVector va = FloatVector.broadcast(S, a);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector vy = FloatVector.fromArray(S, y, yOff + i);
            va.fma(FloatVector.fromArray(S, x, xOff + i), vy).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void scale(float a, float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, off + i).mul(a).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= a;
        }
    }

    @Override
    public double sumAbs(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            FloatVector a0 = FloatVector.zero(S);
            int i = 0;
            int bound = S.loopBound(len);
            for (; i < bound; i += L) {
                a0 = a0.add(FloatVector.fromArray(S, x, off + start + i).abs());
            }
            double s = a0.reduceLanes(VectorOperators.ADD);
            for (; i < len; i++) {
                s += Math.abs(x[off + start + i]);
            }
            total += s;
        }
        return total;
    }

    @Override
    public double sumSquares(float[] x, int off, int n) {
        return dot(x, off, x, off, n);
    }

    @Override
    public float maxAbs(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        FloatVector m = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            m = m.max(FloatVector.fromArray(S, x, off + i).abs());
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            r = Math.max(r, Math.abs(x[off + i]));
        }
        return r;
    }

    @Override
    public int countAbsAtLeast(float[] x, int off, int n, float threshold) {
        Objects.checkFromIndexSize(off, n, x.length);
        int c = 0;
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            VectorMask<Float> mask = FloatVector.fromArray(S, x, off + i).abs().compare(VectorOperators.GE, threshold);
            c += mask.trueCount();
        }
        for (; i < n; i++) {
            if (Math.abs(x[off + i]) >= threshold) {
                c++;
            }
        }
        return c;
    }
}
