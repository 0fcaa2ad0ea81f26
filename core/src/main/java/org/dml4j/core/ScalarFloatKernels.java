package org.dml4j.core;

import java.util.Objects;

/** Reference scalar kernels: plain loops, double accumulators. Thread-safe. */
final class ScalarFloatKernels implements FloatKernels {
    static final ScalarFloatKernels INSTANCE = new ScalarFloatKernels();

    private ScalarFloatKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int vectorBitSize() {
        return 0;
    }

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int n) {
        Objects.checkFromIndexSize(xOff, n, x.length);
        Objects.checkFromIndexSize(yOff, n, y.length);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) x[xOff + i] * y[yOff + i];
        }
        return s;
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        Objects.checkFromIndexSize(xOff, n, x.length);
        Objects.checkFromIndexSize(yOff, n, y.length);
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    @Override
    public void scale(float a, float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        for (int i = 0; i < n; i++) {
            x[off + i] *= a;
        }
    }

    @Override
    public double sumAbs(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs(x[off + i]);
        }
        return s;
    }

    @Override
    public double sumSquares(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            s += v * v;
        }
        return s;
    }

    @Override
    public float maxAbs(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        float m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(x[off + i]));
        }
        return m;
    }

    @Override
    public int countAbsAtLeast(float[] x, int off, int n, float threshold) {
        Objects.checkFromIndexSize(off, n, x.length);
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[off + i]) >= threshold) {
                c++;
            }
        }
        return c;
    }
}
