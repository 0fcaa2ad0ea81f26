package org.dml4j.compress;

import java.lang.System.Logger.Level;

/**
 * The compression-specific numeric kernels: threshold gathers, stochastic quantization, sign extraction and
 * code accumulation on {@code float[]} slices. {@link #scalar()} is the reference; {@link #get()} returns the Vector
 * API implementation when {@code jdk.incubator.vector} is present and the same system property as core's kernels
 * ({@value org.dml4j.core.FloatKernels#PROVIDER_PROP_NAME}) does not say {@code scalar}. Both implementations give
 * bit-identical results (differential tests check it).
 *
 * <p>Implementations are stateless and thread-safe. Bounds are checked once at entry.
 */
interface CompressKernels {
    /** Magnitude bits at and above which a float is infinite or NaN. */
    int NON_FINITE_BITS = 0x7F800000;

    /** @return {@code "scalar"} or {@code "vector"} */
    String name();

    /**
     * Gathers every {@code i < n} with {@code |x[off+i]| >= t}, in increasing order: {@code idx[pos+c] = base + i} and
     * {@code val[pos+c] = x[off+i]} for the c-th hit, as long as {@code pos + c < limit}; hits beyond are counted
     * but not stored. {@code idx} and {@code val} must both have length at least {@code limit}.
     *
     * @return the number of hits (possibly above {@code limit - pos}), or -1 when a value of the slice is not finite
     */
    int gatherAtLeast(float[] x, int off, int n, float t, int base, int[] idx, float[] val, int pos, int limit);

    /**
     * Keeps the entries {@code j < n} of a candidate list with {@code |val[j]| >= t}: copies {@code idx[j]} and
     * {@code val[j]} to {@code outIdx[pos+c]}, {@code outVal[pos+c]} in order while {@code pos + c < outIdx.length}.
     *
     * @return the number of entries kept (possibly more than stored)
     */
    int filterAtLeast(int[] idx, float[] val, int n, float t, int[] outIdx, float[] outVal, int pos);

    /**
     * @return {@code sum x[off+i]^2} in double, in an order that does not depend on the JIT (the Vector API's
     *     floating-point {@code reduceLanes(ADD)} may differ between interpreted and compiled code); not finite when a
     *     value is not finite. The vector implementation accumulates in float lanes over blocks of 4096 elements, so
     *     it agrees with the scalar reference to float rounding.
     */
    double sumSquares(float[] x, int off, int n);

    /**
     * @return {@code max |x[off+i]|} (0 for {@code n = 0}), compared as magnitude bits; not finite (infinite or NaN)
     *     when a value is not finite
     */
    float maxAbs(float[] x, int off, int n);

    /** @return whether every value of {@code x[off, off+n)} is finite */
    boolean allFinite(float[] x, int off, int n);

    /**
     * Stochastic rounding to signed levels, written as wire codes ({@code levels} stands for 0): for each
     * {@code i < n} writes {@code code = clamp((int) fma(x[off+i], mul, levels + u_i), 0, 2 * levels)} to
     * {@code codes[codesOff+i]}, i.e. {@code levels + floor(x mul + u_i)}. The dither
     * {@code u_i = (dither(seed, counter0 + i) >>> (8 + b)) * 2^-(24 - b)}, with {@code b = 32 - nlz(levels)} bits
     * for the levels, is uniform on a grid of {@code 2^-(24-b)} in [0, 1), and {@code levels + u_i} is exact in
     * float. {@code floor(t + u)} rounds t up with probability equal to its fractional part whatever its sign, so the
     * codes have the distribution of QSGD's {@code sign(x) * round(|x| mul)} (unbiased, the same variance), up to the
     * single float rounding of the fma (half an ulp of {@code 2 levels + 1}: 2^-21 of a level for 7 levels) and the
     * grid of u (2^-21 of a level for 7 levels). {@code x = -0.0} gives the zero code. Expects finite {@code x} and
     * {@code mul}; values beyond {@code ±levels / mul} saturate.
     */
    void quantize(float[] x, int off, int n, float mul, int levels, int seed, int counter0, byte[] codes,
            int codesOff);

    /**
     * {@link #quantize} of {@code x[off, off+n)}, and in the same loop the {@link #sumSquares} of the next bucket
     * {@code x[nextOff, nextOff+nextN)}, exactly as {@code sumSquares} computes it: the next bucket's memory reads
     * overlap with this bucket's arithmetic.
     *
     * @return {@code sumSquares(x, nextOff, nextN)}
     */
    default double quantizeAndNorm(float[] x, int off, int n, float mul, int levels, int seed, byte[] codes,
            int codesOff, int nextOff, int nextN) {
        quantize(x, off, n, mul, levels, seed, off, codes, codesOff);
        return sumSquares(x, nextOff, nextN);
    }

    /**
     * {@link #quantize} of {@code x[off, off+n)}, and in the same loop the {@link #maxAbs} of the next bucket
     * {@code x[nextOff, nextOff+nextN)} (a maximum does not depend on the order, so it is exactly {@code maxAbs}).
     *
     * @return {@code maxAbs(x, nextOff, nextN)}
     */
    default float quantizeAndMaxAbs(float[] x, int off, int n, float mul, int levels, int seed, byte[] codes,
            int codesOff, int nextOff, int nextN) {
        quantize(x, off, n, mul, levels, seed, off, codes, codesOff);
        return maxAbs(x, nextOff, nextN);
    }

    /**
     * Writes the sign bits {@code codes[codesOff+i] = x[off+i] < 0 ? 0 : 1} for {@code i < n} and, in the same pass,
     * sums the magnitudes. The vector implementation sums in float lanes over blocks of 4096 elements and adds the
     * blocks in double, so the sum agrees with the scalar reference to float rounding (the codes agree exactly).
     *
     * @return {@code sum |x[off+i]|}, not finite when a value is not finite
     */
    double signs(float[] x, int off, int n, byte[] codes, int codesOff);

    /**
     * Packs {@code n} codes of {@code bits} bits each ({@code codes[codesOff+i] < 2^bits}), least significant bit
     * first, into {@code ceil(n * bits / 8)} bytes from {@code out[outOff]}; the padding bits of the last byte are
     * zero.
     *
     * @param bits 1 to 8
     * @return the number of bytes written
     */
    int pack(byte[] codes, int codesOff, int n, int bits, byte[] out, int outOff);

    /**
     * Decodes packed codes and accumulates them: {@code y[yOff+i] = fma(a, (float) (c * mul - sub), y[yOff+i])} for
     * {@code i < n}, where c is the code of element {@code first + i} of {@code packed} ({@code bits} bits each,
     * least significant bit first).
     */
    void accumulatePacked(byte[] packed, int bits, int first, int n, int mul, int sub, float a, float[] y,
            int yOff);

    /** Weyl increment: the golden ratio times 2^32. */
    int WEYL = 0x9E3779B9;

    /**
     * The stochastic-rounding dither of element {@code index}: a randomly shifted golden-ratio (Weyl) sequence,
     * {@code seed + index * 0x9E3779B9}, mixed by the first four steps of {@link #hash} (xor-shift, multiply,
     * xor-shift, multiply; the final xor-shift of {@code hash} is left out). The mix is a bijection, so for a
     * uniformly random seed every dither is exactly uniform on the 2^32 grid and the rounding is unbiased with QSGD's
     * and TernGrad's per-coordinate variance. Mixing breaks the lattice structure of the plain Weyl sequence, whose
     * neighbouring dithers are strongly dependent (the variance of a sum of rounded coordinates was 0.19 to 1.37
     * times the independent value, and 0.05 times on 64 equal coordinates). The dithers of one call are not exactly
     * independent (they are a function of one 32-bit seed), but sums of them have the independent variance within
     * the sampling error (QsgdCompressorTest checks it to 10%; sums of 7 to 4,096 coordinates were within 2.2% in
     * 20,000 draws each).
     */
    static int dither(int seed, int index) {
        int x = seed + index * WEYL;
        x ^= x >>> 16;
        x *= 0x7FEB352D;
        x ^= x >>> 15;
        return x * 0x846CA68B;
    }

    /** The 32-bit finaliser {@code lowbias32} (C. Wellons), a bijection on ints; used to jitter sample positions. */
    static int hash(int x) {
        x ^= x >>> 16;
        x *= 0x7FEB352D;
        x ^= x >>> 15;
        x *= 0x846CA68B;
        x ^= x >>> 16;
        return x;
    }

    /** @return the reference implementation */
    static CompressKernels scalar() {
        return ScalarCompressKernels.INSTANCE;
    }

    /** @return the best implementation available in this JVM */
    static CompressKernels get() {
        return Holder.INSTANCE;
    }

    /** Lazy holder: chooses the provider on first use. */
    final class Holder {
        static final CompressKernels INSTANCE = choose();

        private Holder() {
        }

        private static CompressKernels choose() {
            String want = System.getProperty(org.dml4j.core.FloatKernels.PROVIDER_PROP_NAME,
                    org.dml4j.core.FloatKernels.PROVIDER_DEFAULT);
            System.Logger log = System.getLogger(CompressKernels.class.getName());
            if ("scalar".equals(want) || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                if (!"scalar".equals(want)) {
                    log.log(Level.INFO, "jdk.incubator.vector is not enabled; using scalar compression kernels");
                }
                return scalar();
            }
            try {
                Class<?> c = Class.forName("org.dml4j.compress.VectorCompressKernels");
                return (CompressKernels) c.getDeclaredField("INSTANCE").get(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                log.log(Level.WARNING, "Vector API compression kernels unavailable (" + e + "); using scalar ones");
                return scalar();
            }
        }
    }
}
