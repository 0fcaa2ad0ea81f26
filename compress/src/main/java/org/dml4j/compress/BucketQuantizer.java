package org.dml4j.compress;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shared per-worker state of the bucketed quantizers (QSGD, scaled sign, TernGrad): walks the segments and their
 * buckets, asks the subclass for each bucket's scale, and packs the codes straight into the {@link QuantizedUpdate}
 * it returns. Codes pass through a window of {@value #WINDOW} bytes that stays in L1 and is packed, at
 * {@link QuantizedUpdate#bitsPerCode} bits per code, into the result whenever it fills: a call reads the update
 * (once per bucket while it is in cache) and writes only the packed result, with no temporary of the update's size.
 * Single owner.
 */
abstract class BucketQuantizer implements CompressorState {
    /** Codes per window; a multiple of 8, so every full window packs into whole bytes. */
    static final int WINDOW = 4096;

    final int dim;
    final int[] segments;
    final int bucketSize;
    final int buckets;
    final SplittableRandom rng;
    final CompressKernels kernels = CompressKernels.get();
    private final byte[] window = new byte[WINDOW];
    private int inWindow;
    private byte[] out;
    private int outPos;
    /** The dither seed of the next call, drawn ahead so that a failed call leaves the state as it was. */
    private int nextSeed;
    /** Draws made from {@code rng} so far: its position, for checkpoints. */
    private long draws;

    BucketQuantizer(int dim, int[] segments, Integer bucketSize, SplittableRandom rng) {
        this.dim = dim;
        this.segments = segments;
        int max = 0;
        for (int s : segments) {
            max = Math.max(max, s);
        }
        this.bucketSize = bucketSize == null ? max : Math.min(bucketSize, max);
        this.buckets = (int) QuantizedUpdate.bucketCount(segments, this.bucketSize);
        this.rng = rng;
        this.nextSeed = rng == null ? 0 : rng.nextInt();
        this.draws = rng == null ? 0 : 1;
    }

    /**
     * Saves the generator's position (and, in subclasses, their own fields).
     *
     * @param out where to write
     */
    @Override
    public void save(org.dml4j.core.Snapshot out) {
        out.putString("type", getClass().getName()).putLong("draws", draws).putLong("next-seed", nextSeed);
    }

    /**
     * Advances the fresh generator to the saved position, checking it lands on the saved next seed.
     *
     * @param in what {@link #save} wrote
     */
    @Override
    public void restore(org.dml4j.core.Snapshot in) {
        in.expect("type", getClass().getName());
        long d = in.getLong("draws");
        int saved = in.getInt("next-seed");
        if (rng == null) {
            return;
        }
        if (draws != 1 || d < 1) {
            throw new IllegalArgumentException("restore needs a fresh state and a saved one (draws " + draws
                    + ", saved " + d + ")");
        }
        int last = 0;
        for (long i = 1; i < d; i++) {
            last = rng.nextInt();
        }
        if (d > 1 ? last != saved : nextSeed != saved) {
            throw new IllegalArgumentException("checkpoint entry '" + in.prefix() + "next-seed' does not follow from"
                    + " this run's seed: the checkpoint belongs to another run");
        }
        nextSeed = saved;
        draws = d;
    }

    /** @return the scheme of the codes */
    abstract QuantizedUpdate.Scheme scheme();

    /** @return the number of positive levels */
    abstract int levels();

    /**
     * Quantizes one bucket: emits its {@code n} codes in order ({@link #putQuantized}, {@link #putZeros} or
     * {@link #putSigns}) and returns its scale.
     *
     * @param b       the bucket's number
     * @param seed    the call's dither seed
     * @param nextOff where the next bucket of the call starts
     * @param nextN   its length, 0 after the last bucket
     * @throws IllegalArgumentException when the bucket holds a non-finite value
     */
    abstract float bucket(float[] x, int off, int n, int b, int seed, int nextOff, int nextN);

    /** Emits the stochastically rounded codes of {@code x[off, off+n)} (see {@link CompressKernels#quantize}). */
    final void putQuantized(float[] x, int off, int n, float mul, int seed) {
        int levels = levels();
        while (n > 0) {
            int m = Math.min(n, WINDOW - inWindow);
            kernels.quantize(x, off, m, mul, levels, seed, off, window, inWindow);
            advance(m);
            off += m;
            n -= m;
        }
    }

    /**
     * {@link #putQuantized}, and the sum of squares of the next bucket computed in the same loop when the bucket fits
     * the window ({@link CompressKernels#quantizeAndNorm}).
     *
     * @return {@code kernels.sumSquares(x, nextOff, nextN)}
     */
    final double putQuantizedAndNorm(float[] x, int off, int n, float mul, int seed, int nextOff, int nextN) {
        if (inWindow + n > WINDOW) {
            putQuantized(x, off, n, mul, seed);
            return kernels.sumSquares(x, nextOff, nextN);
        }
        double next = kernels.quantizeAndNorm(x, off, n, mul, levels(), seed, window, inWindow, nextOff, nextN);
        advance(n);
        return next;
    }

    /** As {@link #putQuantizedAndNorm}, with the next bucket's maximum magnitude ({@code kernels.maxAbs}). */
    final float putQuantizedAndMaxAbs(float[] x, int off, int n, float mul, int seed, int nextOff, int nextN) {
        if (inWindow + n > WINDOW) {
            putQuantized(x, off, n, mul, seed);
            return kernels.maxAbs(x, nextOff, nextN);
        }
        float next = kernels.quantizeAndMaxAbs(x, off, n, mul, levels(), seed, window, inWindow, nextOff, nextN);
        advance(n);
        return next;
    }

    /** Emits {@code n} zero codes. */
    final void putZeros(int n) {
        byte zero = (byte) (scheme() == QuantizedUpdate.Scheme.SIGN ? 1 : levels());
        while (n > 0) {
            int m = Math.min(n, WINDOW - inWindow);
            Arrays.fill(window, inWindow, inWindow + m, zero);
            advance(m);
            n -= m;
        }
    }

    /** Emits the sign codes of {@code x[off, off+n)}; returns the sum of magnitudes (not finite for bad input). */
    final double putSigns(float[] x, int off, int n) {
        double sum = 0;
        while (n > 0) {
            int m = Math.min(n, WINDOW - inWindow);
            sum += kernels.signs(x, off, m, window, inWindow);
            advance(m);
            off += m;
            n -= m;
        }
        return sum;
    }

    private void advance(int m) {
        inWindow += m;
        if (inWindow == WINDOW) {
            flush();
        }
    }

    private void flush() {
        outPos += kernels.pack(window, 0, inWindow, QuantizedUpdate.bitsPerCode(scheme(), levels()), out, outPos);
        inWindow = 0;
    }

    @Override
    public CompressedUpdate compress(float[] update) {
        Checks.length(update, dim);
        int bits = QuantizedUpdate.bitsPerCode(scheme(), levels());
        out = new byte[Math.toIntExact(QuantizedUpdate.packedBytes(dim, bits))];
        outPos = 0;
        inWindow = 0;
        float[] scales = new float[buckets];
        int seed = nextSeed;
        int off = 0;
        int b = 0;
        int s = 0;
        int end = segments[0];
        for (int start = 0; start < dim; ) {
            int n = Math.min(bucketSize, end - start);
            int next = start + n;
            if (next == end && next < dim) {
                end += segments[++s];
            }
            scales[b] = bucket(update, start, n, b, seed, next, Math.min(bucketSize, end - next));
            b++;
            start = next;
        }
        flush();
        byte[] packed = out;
        out = null;
        if (rng != null) {
            nextSeed = rng.nextInt();
            draws++;
        }
        return QuantizedUpdate.wrap(scheme(), levels(), segments.clone(), bucketSize, scales, dim, packed);
    }

    /** Throws naming the first non-finite value of a bucket. */
    static IllegalArgumentException nonFinite(float[] x, int off, int n) {
        return TopKSelector.nonFinite(x, off, n);
    }
}
