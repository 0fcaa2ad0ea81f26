package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

/** Statistical unbiasedness check with a fixed seed: the mean of many decodings converges to the input. */
final class Unbiased {
    private Unbiased() {
    }

    /**
     * @param c      the compressor
     * @param x      the input
     * @param trials number of independent compressions (one state, its generator advancing)
     * @param sd     a bound on the standard deviation of one decoded coordinate
     */
    static void check(GradientCompressor c, float[] x, int trials, double sd) {
        CompressorState s = c.newState(x.length, new SplittableRandom(2024));
        double[] sum = new double[x.length];
        float[] dec = new float[x.length];
        for (int t = 0; t < trials; t++) {
            java.util.Arrays.fill(dec, 0f);
            s.compress(x).addTo(dec, 1f);
            for (int i = 0; i < x.length; i++) {
                sum[i] += dec[i];
            }
        }
        double tol = 5 * sd / Math.sqrt(trials);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], sum[i] / trials, tol + 1e-6 * Math.abs(x[i]), "coordinate " + i);
        }
    }

    static float[] vector(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static double norm(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }
}
