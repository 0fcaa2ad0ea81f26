package org.dml4j.compress;

import java.util.Objects;

/** Reference scalar implementation of {@link CompressKernels}. Thread-safe (stateless). */
final class ScalarCompressKernels implements CompressKernels {
    static final ScalarCompressKernels INSTANCE = new ScalarCompressKernels();

    private ScalarCompressKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int gatherAtLeast(float[] x, int off, int n, float t, int base, int[] idx, float[] val, int pos,
            int limit) {
        Objects.checkFromIndexSize(off, n, x.length);
        checkOut(idx, val, pos, limit);
        int c = 0;
        boolean bad = false;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            bad |= !Float.isFinite(v);
            if (Math.abs(v) >= t) {
                if (pos + c < limit) {
                    idx[pos + c] = base + i;
                    val[pos + c] = v;
                }
                c++;
            }
        }
        return bad ? -1 : c;
    }

    static void checkOut(int[] idx, float[] val, int pos, int limit) {
        if (pos < 0 || limit > idx.length || limit > val.length) {
            throw new IndexOutOfBoundsException("pos " + pos + ", limit " + limit + ", buffers " + idx.length + "/"
                    + val.length);
        }
    }

    @Override
    public int filterAtLeast(int[] idx, float[] val, int n, float t, int[] outIdx, float[] outVal, int pos) {
        Objects.checkFromIndexSize(0, n, idx.length);
        Objects.checkFromIndexSize(0, n, val.length);
        checkOut(outIdx, outVal, pos, outIdx.length);
        int limit = Math.min(outIdx.length, outVal.length);
        int c = 0;
        for (int j = 0; j < n; j++) {
            if (Math.abs(val[j]) >= t) {
                if (pos + c < limit) {
                    outIdx[pos + c] = idx[j];
                    outVal[pos + c] = val[j];
                }
                c++;
            }
        }
        return c;
    }

    @Override
    public double sumSquares(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        double sum = 0;
        for (int i = off; i < off + n; i++) {
            sum += (double) x[i] * x[i];
        }
        return sum;
    }

    @Override
    public float maxAbs(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        int m = 0;
        for (int i = off; i < off + n; i++) {
            m = Math.max(m, Float.floatToRawIntBits(x[i]) & 0x7FFFFFFF);
        }
        return Float.intBitsToFloat(m);
    }

    @Override
    public boolean allFinite(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        for (int i = off; i < off + n; i++) {
            if (!Float.isFinite(x[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void quantize(float[] x, int off, int n, float mul, int levels, int seed, int counter0, byte[] codes,
            int codesOff) {
        Objects.checkFromIndexSize(off, n, x.length);
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        int b = 32 - Integer.numberOfLeadingZeros(levels);
        float grid = Math.scalb(1f, b - 24);
        for (int i = 0; i < n; i++) {
            float u = Math.fma((float) (CompressKernels.dither(seed, counter0 + i) >>> (8 + b)), grid, levels);
            int code = (int) Math.fma(x[off + i], mul, u);
            codes[codesOff + i] = (byte) Math.min(2 * levels, Math.max(0, code));
        }
    }

    @Override
    public double signs(float[] x, int off, int n, byte[] codes, int codesOff) {
        Objects.checkFromIndexSize(off, n, x.length);
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            codes[codesOff + i] = (byte) (v < 0f ? 0 : 1);
            sum += Math.abs(v);
        }
        return sum;
    }

    @Override
    public int pack(byte[] codes, int codesOff, int n, int bits, byte[] out, int outOff) {
        return packScalar(codes, codesOff, n, bits, out, outOff);
    }

    static int packScalar(byte[] codes, int codesOff, int n, int bits, byte[] out, int outOff) {
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        int nb = (int) (((long) n * bits + 7) >>> 3);
        Objects.checkFromIndexSize(outOff, nb, out.length);
        int acc = 0;
        int nacc = 0;
        int o = outOff;
        for (int i = 0; i < n; i++) {
            acc |= (codes[codesOff + i] & 0xFF) << nacc;
            nacc += bits;
            if (nacc >= 8) {
                out[o++] = (byte) acc;
                acc >>>= 8;
                nacc -= 8;
            }
        }
        if (nacc > 0) {
            out[o++] = (byte) acc;
        }
        return nb;
    }

    @Override
    public void accumulatePacked(byte[] packed, int bits, int first, int n, int mul, int sub, float a, float[] y,
            int yOff) {
        Objects.checkFromIndexSize(yOff, n, y.length);
        if (n == 0) {
            return;
        }
        Objects.checkFromToIndex((int) (((long) first * bits) >>> 3),
                (int) ((((long) first + n) * bits + 7) >>> 3), packed.length);
        long bit = (long) first * bits;
        for (int i = 0; i < n; i++, bit += bits) {
            int c = QuantizedUpdate.codeAt(packed, bit, bits);
            y[yOff + i] = Math.fma(a, (float) (c * mul - sub), y[yOff + i]);
        }
    }
}
