package org.dml4j.compress;

import java.util.Objects;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
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
    /** Codes packed per iteration: the preferred byte species, and those of half and a quarter of its size. */
    private static final VectorSpecies<Byte> BP = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BH = bytesOf(BP.vectorBitSize() / 2);
    private static final VectorSpecies<Byte> BQ = bytesOf(BP.vectorBitSize() / 4);
    /** Lane index times the Weyl increment, the per-lane part of the dither's counter. */
    private static final IntVector IOTA_WEYL = IntVector.zero(IS).addIndex(1).mul(CompressKernels.WEYL);
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
    public double sumSquares(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            total += blockSumSquares(x, off + start, Math.min(BLOCK, n - start));
        }
        return total;
    }

    /** Sum of squares of at most {@link #BLOCK} elements: float lanes, four accumulators, a fixed-order lane sum. */
    private static double blockSumSquares(float[] x, int p, int len) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int i = 0;
        int bound4 = len - len % (4 * L);
        for (; i < bound4; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, x, p + i);
            FloatVector v1 = FloatVector.fromArray(S, x, p + i + L);
            FloatVector v2 = FloatVector.fromArray(S, x, p + i + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, x, p + i + 3 * L);
            a0 = v0.fma(v0, a0);
            a1 = v1.fma(v1, a1);
            a2 = v2.fma(v2, a2);
            a3 = v3.fma(v3, a3);
        }
        int bound = S.loopBound(len);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, p + i);
            a0 = v.fma(v, a0);
        }
        double s = lanes(a0.add(a1).add(a2.add(a3)));
        for (; i < len; i++) {
            float v = x[p + i];
            s += (double) v * v;
        }
        return s;
    }

    @Override
    public float maxAbs(float[] x, int off, int n) {
        Objects.checkFromIndexSize(off, n, x.length);
        IntVector m0 = IntVector.zero(IS);
        IntVector m1 = IntVector.zero(IS);
        int i = 0;
        int bound2 = n - n % (2 * L);
        for (; i < bound2; i += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, off + i).reinterpretAsInts().and(0x7FFFFFFF));
            m1 = m1.max(FloatVector.fromArray(S, x, off + i + L).reinterpretAsInts().and(0x7FFFFFFF));
        }
        int m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, Float.floatToRawIntBits(x[off + i]) & 0x7FFFFFFF);
        }
        return Float.intBitsToFloat(m);
    }

    /**
     * @return the sum of the lanes in lane order (deterministic, unlike a floating-point {@code reduceLanes(ADD)},
     *     whose order may differ between interpreted and compiled code)
     */
    private static double lanes(FloatVector v) {
        float[] t = new float[L];
        v.intoArray(t, 0);
        double s = 0;
        for (int j = 0; j < L; j++) {
            s += t[j];
        }
        return s;
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
        quantizeLoop(x, off, n, mul, levels, seed, counter0, codes, codesOff, 0, PLAIN);
    }

    @Override
    public double quantizeAndNorm(float[] x, int off, int n, float mul, int levels, int seed, byte[] codes,
            int codesOff, int nextOff, int nextN) {
        if (n != nextN || n % (4 * L) != 0 || n > BLOCK) {
            return CompressKernels.super.quantizeAndNorm(x, off, n, mul, levels, seed, codes, codesOff, nextOff,
                    nextN);
        }
        Objects.checkFromIndexSize(off, n, x.length);
        Objects.checkFromIndexSize(nextOff, n, x.length);
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        return quantizeLoop(x, off, n, mul, levels, seed, off, codes, codesOff, nextOff, NORM);
    }

    @Override
    public float quantizeAndMaxAbs(float[] x, int off, int n, float mul, int levels, int seed, byte[] codes,
            int codesOff, int nextOff, int nextN) {
        if (n != nextN || n % L != 0) {
            return CompressKernels.super.quantizeAndMaxAbs(x, off, n, mul, levels, seed, codes, codesOff, nextOff,
                    nextN);
        }
        Objects.checkFromIndexSize(off, n, x.length);
        Objects.checkFromIndexSize(nextOff, n, x.length);
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        return (float) quantizeLoop(x, off, n, mul, levels, seed, off, codes, codesOff, nextOff, MAX);
    }

    /** {@link #quantizeLoop} modes: quantize only, or also the next bucket's sum of squares or maximum magnitude. */
    private static final int PLAIN = 0;
    private static final int NORM = 1;
    private static final int MAX = 2;

    /**
     * The one quantizing loop (vectors never cross a method boundary, which would box them when the JIT does not
     * inline). Its body has no branch on the mode: every iteration reads a vector of the next bucket and adds it to
     * both the sum of squares and the maximum magnitude, and the mode only picks which result is returned (PLAIN
     * reads its own bucket as the "next" one, which is in cache, and returns 0). A branch per mode in the body made
     * the compiled loop depend on which modes had run before (a run that used all three got one loop with every
     * branch, up to twice as slow). NORM accumulates like {@link #blockSumSquares}: vector j of the next bucket goes
     * to accumulator j mod 4, which the rotation of a0..a3 keeps in place; it needs {@code n % (4L) == 0}, MAX needs
     * {@code n % L == 0}. The dither counter advances by one vector add per iteration: the same values as
     * {@link CompressKernels#dither}'s {@code (counter0 + i) · WEYL + seed}.
     *
     * @return the next bucket's sum of squares (NORM), its maximum magnitude (MAX) or 0
     */
    private static double quantizeLoop(float[] x, int off, int n, float mul, int levels, int seed, int counter0,
            byte[] codes, int codesOff, int nextOff, int mode) {
        int b = 32 - Integer.numberOfLeadingZeros(levels);
        float grid = Math.scalb(1f, b - 24);
        FloatVector vm = FloatVector.broadcast(S, mul);
        FloatVector vg = FloatVector.broadcast(S, grid);
        FloatVector vl = FloatVector.broadcast(S, (float) levels);
        int top = 2 * levels;
        int next = mode == PLAIN ? off : nextOff;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        IntVector m = IntVector.zero(IS);
        IntVector counter = IOTA_WEYL.add(counter0 * CompressKernels.WEYL + seed);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, next + i);
            FloatVector t = v.fma(v, a0);
            a0 = a1;
            a1 = a2;
            a2 = a3;
            a3 = t;
            m = m.max(v.reinterpretAsInts().and(0x7FFFFFFF));
            IntVector h = counter;
            counter = counter.add(L * CompressKernels.WEYL);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x7FEB352D);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(0x846CA68B);
            FloatVector u = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8 + b).convert(VectorOperators.I2F, 0))
                    .fma(vg, vl);
            FloatVector z = FloatVector.fromArray(S, x, off + i).fma(vm, u);
            IntVector code = ((IntVector) z.convert(VectorOperators.F2I, 0)).max(0).min(top);
            ((ByteVector) code.convertShape(VectorOperators.I2B, BS, 0)).intoArray(codes, codesOff + i);
        }
        for (; i < n; i++) {
            float u = Math.fma((float) (CompressKernels.dither(seed, counter0 + i) >>> (8 + b)), grid, levels);
            int code = (int) Math.fma(x[off + i], mul, u);
            codes[codesOff + i] = (byte) Math.min(top, Math.max(0, code));
        }
        if (mode == NORM) {
            return lanes(a0.add(a1).add(a2.add(a3)));
        }
        return mode == MAX ? Float.intBitsToFloat(m.reduceLanes(VectorOperators.MAX)) : 0;
    }

    @Override
    public double signs(float[] x, int off, int n, byte[] codes, int codesOff) {
        Objects.checkFromIndexSize(off, n, x.length);
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        ByteVector plus = ByteVector.broadcast(BS, (byte) 1);
        ByteVector minus = ByteVector.zero(BS);
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
            double s = lanes(acc);
            for (; i < len; i++) {
                float v = x[off + start + i];
                codes[codesOff + start + i] = (byte) (v < 0f ? 0 : 1);
                s += Math.abs(v);
            }
            total += s;
        }
        return total;
    }

    @Override
    public int pack(byte[] codes, int codesOff, int n, int bits, byte[] out, int outOff) {
        Objects.checkFromIndexSize(codesOff, n, codes.length);
        int nb = (int) (((long) n * bits + 7) >>> 3);
        Objects.checkFromIndexSize(outOff, nb, out.length);
        if (bits == 8) {
            System.arraycopy(codes, codesOff, out, outOff, n);
            return n;
        }
        int i = 0;
        int o = outOff;
        int e = BP.length();
        int bound = BP.loopBound(n);
        if (bits == 4 && BH != null) {
            for (; i < bound; i += e, o += e / 2) {
                ShortVector sv = ByteVector.fromArray(BP, codes, codesOff + i).reinterpretAsShorts();
                sv = sv.and((short) 0x0F).or(sv.lanewise(VectorOperators.LSHR, 4).and((short) 0xF0));
                ((ByteVector) sv.convertShape(VectorOperators.S2B, BH, 0)).intoArray(out, o);
            }
        } else if (bits == 2 && BQ != null) {
            for (; i < bound; i += e, o += e / 4) {
                IntVector iv = ByteVector.fromArray(BP, codes, codesOff + i).reinterpretAsInts();
                iv = iv.and(0x3).or(iv.lanewise(VectorOperators.LSHR, 6).and(0xC))
                        .or(iv.lanewise(VectorOperators.LSHR, 12).and(0x30))
                        .or(iv.lanewise(VectorOperators.LSHR, 18).and(0xC0));
                ((ByteVector) iv.convertShape(VectorOperators.I2B, BQ, 0)).intoArray(out, o);
            }
        } else if (bits == 1) {
            for (; i < bound; i += e) {
                long m = ByteVector.fromArray(BP, codes, codesOff + i).compare(VectorOperators.NE, (byte) 0)
                        .toLong();
                for (int q = 0; q < e / 8; q++) {
                    out[o++] = (byte) (m >>> (8 * q));
                }
            }
        } else {
            i = 0;
            o = outOff;
        }
        ScalarCompressKernels.packScalar(codes, codesOff + i, n - i, bits, out, o);
        return nb;
    }

    @Override
    public void accumulatePacked(byte[] packed, int bits, int first, int n, int mul, int sub, float a, float[] y,
            int yOff) {
        ScalarCompressKernels.INSTANCE.accumulatePacked(packed, bits, first, n, mul, sub, a, y, yOff);
    }

    /** @return the byte species of {@code bits} bits, or null when the platform has no such shape */
    private static VectorSpecies<Byte> bytesOf(int bits) {
        try {
            return VectorSpecies.of(byte.class, VectorShape.forBitSize(bits));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
