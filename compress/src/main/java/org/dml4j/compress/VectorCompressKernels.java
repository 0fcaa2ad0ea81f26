package org.dml4j.compress;

import java.util.Objects;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link CompressKernels}: preferred species, {@code loopBound}, branch-free compress
 * stores for gathers, a scalar tail. Bit-identical to {@link ScalarCompressKernels}. Loaded reflectively only when the
 * incubator module is present. Thread-safe (stateless).
 */
final class VectorCompressKernels implements CompressKernels {
    static final VectorCompressKernels INSTANCE = new VectorCompressKernels();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** Elements summed in float lanes before spilling to a double total. */
    private static final int BLOCK = 1 << 12;

    private VectorCompressKernels() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int gatherAtLeast(float[] x, int off, int n, float t, int base, int[] idx, float[] val, int pos,
            int limit) {
        Objects.checkFromIndexSize(off, n, x.length);
        ScalarCompressKernels.checkOut(idx, val, pos, limit);
        IntVector iota = IntVector.zero(IS).addIndex(1);
        FloatVector bad = FloatVector.zero(S);
        int c = 0;
        int i = 0;
        int bound = S.loopBound(n);
        // Fast loop: branch-free compress stores while a whole vector still fits before the limit.
        for (; i < bound && pos + c + L <= limit; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            bad = bad.add(v.sub(v));
            VectorMask<Float> m = v.abs().compare(VectorOperators.GE, t);
            int p = pos + c;
            iota.add(base + i).compress(m.cast(IS)).intoArray(idx, p);
            v.compress(m).intoArray(val, p);
            c += m.trueCount();
        }
        // Slow loop near the limit: store hit by hit, then only count.
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            bad = bad.add(v.sub(v));
            long bits = v.abs().compare(VectorOperators.GE, t).toLong();
            while (bits != 0) {
                int j = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if (pos + c < limit) {
                    idx[pos + c] = base + i + j;
                    val[pos + c] = x[off + i + j];
                }
                c++;
            }
        }
        boolean nonFinite = Float.isNaN(bad.reduceLanes(VectorOperators.ADD));
        for (; i < n; i++) {
            float v = x[off + i];
            nonFinite |= !Float.isFinite(v);
            if (Math.abs(v) >= t) {
                if (pos + c < limit) {
                    idx[pos + c] = base + i;
                    val[pos + c] = v;
                }
                c++;
            }
        }
        return nonFinite ? -1 : c;
    }

    @Override
    public int filterAtLeast(int[] idx, float[] val, int n, float t, int[] outIdx, float[] outVal, int pos) {
        Objects.checkFromIndexSize(0, n, idx.length);
        Objects.checkFromIndexSize(0, n, val.length);
        ScalarCompressKernels.checkOut(outIdx, outVal, pos, outIdx.length);
        int limit = Math.min(outIdx.length, outVal.length);
        int c = 0;
        int j = 0;
        int bound = S.loopBound(n);
        for (; j < bound && pos + c + L <= limit; j += L) {
            FloatVector v = FloatVector.fromArray(S, val, j);
            VectorMask<Float> m = v.abs().compare(VectorOperators.GE, t);
            int p = pos + c;
            IntVector.fromArray(IS, idx, j).compress(m.cast(IS)).intoArray(outIdx, p);
            v.compress(m).intoArray(outVal, p);
            c += m.trueCount();
        }
        for (; j < n; j++) {
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
    public boolean allFinite(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        FloatVector bad0 = FloatVector.zero(S);
        FloatVector bad1 = FloatVector.zero(S);
        int i = 0;
        int bound2 = n - n % (2 * L);
        for (; i < bound2; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(S, x, off + i);
            FloatVector b = FloatVector.fromArray(S, x, off + i + L);
            bad0 = bad0.add(a.sub(a));
            bad1 = bad1.add(b.sub(b));
        }
        boolean ok = !Float.isNaN(bad0.add(bad1).reduceLanes(VectorOperators.ADD));
        for (; i < n; i++) {
            ok &= Float.isFinite(x[off + i]);
        }
        return ok;
    }

    @Override
    public void quantize(float[] x, int off, int n, float mul, int levels, int seed, int counter0, byte[] codes,
            int codesOff) {
        Objects.checkFromIndexSize(off, n, x.length);
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        IntVector iotaWeyl = IntVector.zero(IS).addIndex(1).mul(CompressKernels.WEYL);
        FloatVector vm = FloatVector.broadcast(S, mul);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            IntVector h = iotaWeyl.add(CompressKernels.dither(seed, counter0 + i));
            FloatVector u = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0))
                    .mul(0x1p-24f);
            IntVector level = ((IntVector) v.abs().fma(vm, u).convert(VectorOperators.F2I, 0)).min(levels);
            level = level.neg().blend(level, v.compare(VectorOperators.GE, 0f).cast(IS));
            ((ByteVector) level.convertShape(VectorOperators.I2B, BS, 0)).intoArray(codes, codesOff + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            float u = (CompressKernels.dither(seed, counter0 + i) >>> 8) * 0x1p-24f;
            int level = Math.min(levels, (int) Math.fma(Math.abs(v), mul, u));
            codes[codesOff + i] = (byte) (v >= 0f ? level : -level);
        }
    }

    @Override
    public double signs(float[] x, int off, int n, byte[] codes, int codesOff) {
        Objects.checkFromIndexSize(off, n, x.length);
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        ByteVector plus = ByteVector.broadcast(BS, (byte) 1);
        ByteVector minus = ByteVector.broadcast(BS, (byte) -1);
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            int bound = S.loopBound(len);
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, off + start + i);
                acc = acc.add(v.abs());
                VectorMask<Byte> neg = v.compare(VectorOperators.LT, 0f).cast(BS);
                plus.blend(minus, neg).intoArray(codes, codesOff + start + i);
            }
            double s = acc.reduceLanes(VectorOperators.ADD);
            for (; i < len; i++) {
                float v = x[off + start + i];
                codes[codesOff + start + i] = (byte) (v < 0f ? -1 : 1);
                s += Math.abs(v);
            }
            total += s;
        }
        return total;
    }

    @Override
    public void accumulateCodes(byte[] codes, int codesOff, int n, float a, float[] y, int yOff) {
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        Objects.checkFromIndexSize(yOff, n, y.length);
        FloatVector va = FloatVector.broadcast(S, a);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector c = (FloatVector) ByteVector.fromArray(BS, codes, codesOff + i)
                    .convertShape(VectorOperators.B2F, S, 0);
            va.fma(c, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, (float) codes[codesOff + i], y[yOff + i]);
        }
    }
}
