package org.dml4j.compress;

import java.util.SplittableRandom;

/**
 * Shared per-worker state of the bucketed quantizers (QSGD, scaled sign, TernGrad): walks the segments and their
 * buckets, asks the subclass for each bucket's scale and codes, and builds a {@link QuantizedUpdate}. Single owner.
 */
abstract class BucketQuantizer implements CompressorState {
    final int dim;
    final int[] segments;
    final int bucketSize;
    final int buckets;
    final SplittableRandom rng;
    final CompressKernels kernels = CompressKernels.get();
    /** The dither seed of the next call, drawn ahead so that a failed call leaves the state as it was. */
    private int nextSeed;

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
    }

    /** @return the scheme of the codes */
    abstract QuantizedUpdate.Scheme scheme();

    /** @return the number of positive levels */
    abstract int levels();

    /**
     * Quantizes one bucket: writes {@code codes[off, off+n)} and returns the bucket's scale.
     *
     * @param seed the call's dither seed
     * @throws IllegalArgumentException when the bucket holds a non-finite value
     */
    abstract float bucket(float[] x, int off, int n, byte[] codes, int seed);

    @Override
    public CompressedUpdate compress(float[] update) {
        Checks.length(update, dim);
        byte[] codes = new byte[dim];
        float[] scales = new float[buckets];
        int seed = nextSeed;
        int off = 0;
        int b = 0;
        for (int seg : segments) {
            int end = off + seg;
            for (int start = off; start < end; start += bucketSize) {
                int n = Math.min(bucketSize, end - start);
                scales[b++] = bucket(update, start, n, codes, seed);
            }
            off = end;
        }
        if (rng != null) {
            nextSeed = rng.nextInt();
        }
        return QuantizedUpdate.wrap(scheme(), levels(), segments.clone(), bucketSize, scales, codes);
    }

    /** Throws naming the first non-finite value of a bucket. */
    static IllegalArgumentException nonFinite(float[] x, int off, int n) {
        return TopKSelector.nonFinite(x, off, n);
    }
}
