package org.dml4j.model.djl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.dml4j.data.Dataset;

/** Small data sets for the model tests. */
final class TestData {
    private static Dataset digits;

    private TestData() {
    }

    /** @return the 1,797 scikit-learn digits, shape (1, 8, 8), pixels scaled to [0, 1], 10 classes */
    static synchronized Dataset digits() {
        if (digits == null) {
            digits = readDigits();
        }
        return digits;
    }

    /**
     * @param data the data
     * @param seed shuffle seed
     * @param trainFraction share of samples in the first part
     * @return {train, test}, a seeded random split
     */
    static Dataset[] split(Dataset data, long seed, double trainFraction) {
        int n = data.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int k = (int) Math.round(n * trainFraction);
        return new Dataset[] {
            data.subset(java.util.Arrays.copyOfRange(idx, 0, k), data.name() + "/train"),
            data.subset(java.util.Arrays.copyOfRange(idx, k, n), data.name() + "/test")};
    }

    /**
     * Gaussian blobs: class {@code c} is centred at a random point, samples add unit noise.
     *
     * @param n       samples
     * @param shape   sample shape
     * @param classes classes
     * @param seed    seed
     * @return the data set
     */
    static Dataset blobs(int n, int[] shape, int classes, long seed) {
        int fs = 1;
        for (int d : shape) {
            fs *= d;
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[][] centres = new float[classes][fs];
        for (float[] c : centres) {
            for (int j = 0; j < fs; j++) {
                c[j] = (float) (2 * r.nextGaussian());
            }
        }
        float[] f = new float[n * fs];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % classes;
            for (int j = 0; j < fs; j++) {
                f[i * fs + j] = centres[l[i]][j] + (float) r.nextGaussian();
            }
        }
        return new Dataset("blobs", f, l, shape, classes);
    }

    private static Dataset readDigits() {
        try (InputStream in = TestData.class.getResourceAsStream("digits.csv.gz");
             BufferedReader rd = new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
                     StandardCharsets.US_ASCII))) {
            List<String> lines = new ArrayList<>();
            for (String line; (line = rd.readLine()) != null; ) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            float[] f = new float[lines.size() * 64];
            int[] l = new int[lines.size()];
            for (int i = 0; i < lines.size(); i++) {
                String[] parts = lines.get(i).split(",");
                for (int j = 0; j < 64; j++) {
                    f[i * 64 + j] = Float.parseFloat(parts[j]) / 16f;
                }
                l[i] = Integer.parseInt(parts[64].trim());
            }
            return new Dataset("digits", f, l, new int[] {1, 8, 8}, 10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
