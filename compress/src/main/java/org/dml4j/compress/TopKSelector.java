package org.dml4j.compress;

import java.util.Arrays;
import org.dml4j.core.FloatKernels;

/**
 * Exact Top-k selection on a slice without sorting it, with reusable buffers. The result holds the {@code k} entries
 * of largest magnitude, ties broken by lower index, written in increasing index order.
 *
 * <p>Paths, all exact:
 * <ol>
 *   <li>slices of at most {@value #SMALL} elements: quickselect on a copy of the magnitudes;</li>
 *   <li>large slices with {@code k <= n/16}: a deterministic stratified sample of the magnitudes (runs of a few
 *       cache lines) gives a threshold whose expected count is a little above k; one SIMD pass gathers the candidates
 *       at or above it; a histogram pass over the candidates' magnitude bits and a quickselect on one bucket find the
 *       exact k-th magnitude; a SIMD filter writes the result;</li>
 *   <li>otherwise, or when the sample misjudged (too few or too many candidates, e.g. many equal magnitudes): a
 *       three-level radix select on the magnitude bits (11 + 11 + 9 bits) and one gather pass.</li>
 * </ol>
 * Magnitudes are compared as the bits of {@code |x|}, which order like the values for finite floats, so -0.0 and 0.0
 * tie. Non-finite values are rejected with {@link IllegalArgumentException}.
 *
 * <p>One instance per worker (not thread-safe).
 */
final class TopKSelector {
    /** Largest slice handled by a plain quickselect. */
    static final int SMALL = 4096;
    /** Largest sample taken from a slice. */
    static final int SAMPLE = 16384;
    /** Consecutive elements per sampled run (a few cache lines). */
    static final int CHUNK = 32;

    private final CompressKernels kernels;
    private final int[] hist = new int[2048];
    private int[] scratch = new int[0];
    private int[] candIdx = new int[0];
    private float[] candVal = new float[0];
    private long fallbacks;
    private long corrections;

    TopKSelector(CompressKernels kernels) {
        this.kernels = kernels;
    }

    /** @return how many times a sampled path fell back to the exact path (for tests and tuning) */
    long fallbacks() {
        return fallbacks;
    }

    /** @return how many times DGC's sampled threshold sent too few and the candidate count corrected it */
    long corrections() {
        return corrections;
    }

    /**
     * Fills {@code s[0, m)} with magnitude bits from {@code m / CHUNK} runs of {@value #CHUNK} consecutive elements,
     * one run at a jittered position in each of {@code m / CHUNK} equal strata: stratified like a strided sample but
     * reading whole cache lines, so sampling a large vector costs a few hundred memory accesses, not thousands.
     */
    static void sampleChunks(float[] x, int off, int n, int m, int[] s) {
        int runs = m / CHUNK;
        double stratum = (double) n / runs;
        for (int j = 0; j < runs; j++) {
            double jitter = (CompressKernels.hash(j) >>> 8) * 0x1p-24;
            int start = (int) Math.min(n - CHUNK, (long) ((j + jitter * (1 - CHUNK / stratum)) * stratum));
            for (int q = 0; q < CHUNK; q++) {
                s[j * CHUNK + q] = bits(x[off + start + q]);
            }
        }
    }

    static int bits(float v) {
        return Float.floatToRawIntBits(v) & 0x7FFFFFFF;
    }

    /**
     * Selects exactly {@code k} entries of {@code x[off, off+n)}, writing {@code off + i} and {@code x[off+i]} for
     * each selected i to {@code outIdx[pos..pos+k)}, {@code outVal[pos..pos+k)} in increasing order. Positions of
     * the output arrays after {@code pos+k} may be overwritten (a later slice overwrites them again).
     *
     * @throws IllegalArgumentException when a value of the slice is not finite
     */
    void select(float[] x, int off, int n, int k, int[] outIdx, float[] outVal, int pos) {
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("k must be in [0, " + n + "], got " + k);
        }
        if (k == 0 || k == n) {
            if (!kernels.allFinite(x, off, n)) {
                throw nonFinite(x, off, n);
            }
            for (int i = 0; i < k; i++) {
                outIdx[pos + i] = off + i;
            }
            System.arraycopy(x, off, outVal, pos, k);
            return;
        }
        if (n <= SMALL) {
            exactSmall(x, off, n, k, outIdx, outVal, pos);
        } else if ((long) k * 16 <= n && sampled(x, off, n, k, outIdx, outVal, pos)) {
            return;
        } else {
            radix(x, off, n, k, outIdx, outVal, pos);
        }
    }

    static IllegalArgumentException nonFinite(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            if (!Float.isFinite(x[i])) {
                return new IllegalArgumentException("update value " + i + " is not finite: " + x[i]);
            }
        }
        return new IllegalArgumentException("update has a non-finite value");
    }

    private int[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new int[Math.max(n, scratch.length + (scratch.length >> 1))];
        }
        return scratch;
    }

    private void candidates(int cap) {
        if (candIdx.length < cap) {
            int c = Math.max(cap, candIdx.length + (candIdx.length >> 1));
            candIdx = new int[c];
            candVal = new float[c];
        }
    }

    private void exactSmall(float[] x, int off, int n, int k, int[] outIdx, float[] outVal, int pos) {
        int[] m = scratch(n);
        for (int i = 0; i < n; i++) {
            int b = bits(x[off + i]);
            if (b >= CompressKernels.NON_FINITE_BITS) {
                throw nonFinite(x, off, n);
            }
            m[i] = b;
        }
        int t = kthLargest(m, 0, n, k);
        int gt = 0;
        for (int i = 0; i < n; i++) {
            if (m[i] > t) {
                gt++;
            }
        }
        emitWithTies(x, off, n, t, k - gt, outIdx, outVal, pos);
    }

    /** Walks the slice taking everything above {@code t} and the first {@code eqBudget} entries equal to it. */
    private static void emitWithTies(float[] x, int off, int n, int t, int eqBudget, int[] outIdx, float[] outVal,
            int pos) {
        int p = pos;
        int eq = eqBudget;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            int b = bits(v);
            if (b > t || (b == t && eq-- > 0)) {
                outIdx[p] = off + i;
                outVal[p] = v;
                p++;
            }
        }
    }

    private boolean sampled(float[] x, int off, int n, int k, int[] outIdx, float[] outVal, int pos) {
        int m = Math.min(SAMPLE, n / 4) & ~(CHUNK - 1);
        int[] s = scratch(m);
        sampleChunks(x, off, n, m, s);
        double e = (double) k * m / n;
        double sd = Math.sqrt(e);
        int rLo = (int) Math.min(m, Math.ceil(e + 4 * sd + 4));
        int tLo = Math.min(kthLargest(s, 0, m, rLo), 0x7F7FFFFF);
        long capL = (long) Math.ceil((rLo + 4 * Math.sqrt(rLo) + 8) * ((double) n / m));
        int cap = (int) Math.min(n, Math.max(capL, 2L * k));
        candidates(cap);
        int c = kernels.gatherAtLeast(x, off, n, Float.intBitsToFloat(tLo), off, candIdx, candVal, 0, cap);
        if (c < 0) {
            throw nonFinite(x, off, n);
        }
        if (c < k || c > cap) {
            fallbacks++;
            return false;
        }
        selectAmongCandidates(c, k, tLo, outIdx, outVal, pos);
        return true;
    }

    /**
     * Exact Top-k among {@code c >= k} gathered candidates, all with magnitude bits {@code >= lo}: one histogram pass
     * over the candidates' bits relative to {@code lo} (at most 2048 buckets) finds the bucket holding the k-th
     * largest; a quickselect on that bucket's few entries gives it exactly; a SIMD filter (or, with surplus ties, an
     * ordered walk) writes the result.
     */
    private void selectAmongCandidates(int c, int k, int lo, int[] outIdx, float[] outVal, int pos) {
        int hi = bits(FloatKernels.get().maxAbs(candVal, 0, c));
        int range = hi - lo;
        int shift = Math.max(0, (32 - Integer.numberOfLeadingZeros(range)) - 11);
        int[] h = hist;
        int buckets = (range >>> shift) + 1;
        Arrays.fill(h, 0, buckets, 0);
        for (int j = 0; j < c; j++) {
            h[(bits(candVal[j]) - lo) >>> shift]++;
        }
        int above = 0;
        int b = buckets - 1;
        for (; b > 0 && above + h[b] < k; b--) {
            above += h[b];
        }
        int[] band = scratch(h[b]);
        int nb = 0;
        for (int j = 0; j < c; j++) {
            int bj = bits(candVal[j]);
            if ((bj - lo) >>> shift == b) {
                band[nb++] = bj;
            }
        }
        int t = kthLargest(band, 0, nb, k - above);
        int gt = above;
        int eq = 0;
        for (int j = 0; j < nb; j++) {
            gt += band[j] > t ? 1 : 0;
            eq += band[j] == t ? 1 : 0;
        }
        if (gt + eq == k) {
            kernels.filterAtLeast(candIdx, candVal, c, Float.intBitsToFloat(t), outIdx, outVal, pos);
            return;
        }
        int budget = k - gt;
        int p = pos;
        for (int j = 0; j < c; j++) {
            int bj = bits(candVal[j]);
            if (bj > t || (bj == t && budget-- > 0)) {
                outIdx[p] = candIdx[j];
                outVal[p] = candVal[j];
                p++;
            }
        }
    }

    private void radix(float[] x, int off, int n, int k, int[] outIdx, float[] outVal, int pos) {
        int[] h = hist;
        Arrays.fill(h, 0);
        for (int i = off; i < off + n; i++) {
            int b = bits(x[i]);
            if (b >= CompressKernels.NON_FINITE_BITS) {
                throw nonFinite(x, off, n);
            }
            h[b >>> 20]++;
        }
        int above = 0;
        int b1 = 2047;
        for (; b1 > 0 && above + h[b1] < k; b1--) {
            above += h[b1];
        }
        Arrays.fill(h, 0);
        for (int i = off; i < off + n; i++) {
            int b = bits(x[i]);
            if ((b >>> 20) == b1) {
                h[(b >>> 9) & 0x7FF]++;
            }
        }
        int b2 = 2047;
        for (; b2 > 0 && above + h[b2] < k; b2--) {
            above += h[b2];
        }
        int prefix = (b1 << 11) | b2;
        Arrays.fill(h, 0, 512, 0);
        for (int i = off; i < off + n; i++) {
            int b = bits(x[i]);
            if ((b >>> 9) == prefix) {
                h[b & 0x1FF]++;
            }
        }
        int b3 = 511;
        for (; b3 > 0 && above + h[b3] < k; b3--) {
            above += h[b3];
        }
        int t = (prefix << 9) | b3;
        if (above + h[b3] == k) {
            kernels.gatherAtLeast(x, off, n, Float.intBitsToFloat(t), off, outIdx, outVal, pos, pos + k);
        } else {
            emitWithTies(x, off, n, t, k - above, outIdx, outVal, pos);
        }
    }

    /**
     * @return the k-th largest of {@code a[from, to)} (k from 1), permuting that range; 3-way quickselect with a
     *     median-of-three pivot, falling back to a sort after too many rounds
     */
    static int kthLargest(int[] a, int from, int to, int k) {
        int target = to - k;
        int lo = from;
        int hi = to - 1;
        int rounds = 0;
        int maxRounds = 2 * (32 - Integer.numberOfLeadingZeros(to - from)) + 8;
        while (lo < hi) {
            if (++rounds > maxRounds) {
                Arrays.sort(a, lo, hi + 1);
                return a[target];
            }
            int mid = (lo + hi) >>> 1;
            int p = median(a[lo], a[mid], a[hi]);
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                int v = a[i];
                if (v < p) {
                    a[i++] = a[lt];
                    a[lt++] = v;
                } else if (v > p) {
                    a[i] = a[gt];
                    a[gt--] = v;
                } else {
                    i++;
                }
            }
            if (target < lt) {
                hi = lt - 1;
            } else if (target > gt) {
                lo = gt + 1;
            } else {
                return p;
            }
        }
        return a[target];
    }

    private static int median(int a, int b, int c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /**
     * DGC's selection, corrected to exact k: the threshold is the Top-k threshold of a stratified sample of {@code m}
     * elements; entries at or above it are gathered and, when there are more than {@code k}, the exact Top-k of them
     * is kept (the paper's hierarchical selection). When the sample overestimated the threshold and fewer than
     * {@code k} entries pass it, the candidate count corrects it: the threshold moves down the same sample to the rank
     * the count says holds k entries (plus a margin) and the slice is gathered again; if that still falls short, the
     * exact {@link #select} runs. Either way exactly {@code k} entries are written, the same ones as {@link #select}.
     *
     * @return the number of entries written, always {@code k}
     */
    int selectSampled(float[] x, int off, int n, int k, int m, int[] outIdx, float[] outVal, int pos) {
        if (k == 0 || n <= SMALL || k == n) {
            select(x, off, n, k, outIdx, outVal, pos);
            return k;
        }
        int ms = Math.max(1, Math.min(m, n));
        int[] s = scratch(ms);
        double step = (double) n / ms;
        for (int j = 0; j < ms; j++) {
            double jitter = (CompressKernels.hash(j) >>> 8) * 0x1p-24;
            int p = (int) ((j + jitter) * step);
            s[j] = bits(x[off + Math.min(p, n - 1)]);
        }
        int r = (int) Math.max(1, Math.min(ms, Math.ceil((double) k * ms / n)));
        int t = Math.min(kthLargest(s, 0, ms, r), 0x7F7FFFFF);
        int c = gatherCandidates(x, off, n, t, k);
        if (c < k) {
            corrections++;
            // c entries of the slice pass the sample's r-th largest: about r * k / c sample entries hold k of them
            double want = (double) r * k / Math.max(1, c);
            int r2 = (int) Math.min(ms, Math.ceil(want + 3 * Math.sqrt(want) + 4));
            t = r2 >= ms ? 0 : Math.min(kthLargest(s, 0, ms, r2), 0x7F7FFFFF);
            c = gatherCandidates(x, off, n, t, k);
            if (c < k) {
                fallbacks++;
                select(x, off, n, k, outIdx, outVal, pos);
                return k;
            }
        }
        selectAmongCandidates(c, k, t, outIdx, outVal, pos);
        return k;
    }

    /** Gathers the entries with magnitude bits {@code >= t} into the candidate buffers, growing them as needed. */
    private int gatherCandidates(float[] x, int off, int n, int t, int k) {
        candidates(Math.max(candIdx.length, 2 * k + 64));
        int c = kernels.gatherAtLeast(x, off, n, Float.intBitsToFloat(t), off, candIdx, candVal, 0, candIdx.length);
        if (c < 0) {
            throw nonFinite(x, off, n);
        }
        if (c > candIdx.length) {
            candidates(c);
            kernels.gatherAtLeast(x, off, n, Float.intBitsToFloat(t), off, candIdx, candVal, 0, candIdx.length);
        }
        return c;
    }
}
