package org.dml4j.data.partition;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random and rounding helpers shared by the partitioners. Everything draws only {@code nextDouble()} and
 * {@code nextInt(bound)} from a {@link SplittableRandom}, whose algorithms are specified, so partitions do not depend
 * on the JDK version.
 */
final class Sampling {
    private Sampling() {
    }

    /** Fisher–Yates shuffle of {@code a} in place. */
    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * Draws {@code out} from a symmetric Dirichlet distribution with concentration {@code alpha} per component.
     * Works in log space, so tiny concentrations (0.01) do not underflow to an all-zero vector.
     */
    static void dirichlet(double alpha, double[] out, SplittableRandom rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < out.length; i++) {
            out[i] = logGamma(alpha, rng);
            max = Math.max(max, out[i]);
        }
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(out[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
    }

    /**
     * The logarithm of a Gamma(alpha, 1) variate: Marsaglia and Tsang's method for {@code alpha >= 1}, and the boost
     * {@code G(alpha) = G(alpha + 1) * U^(1/alpha)} below 1.
     *
     * <pre>
     * G. Marsaglia and W. W. Tsang, "A simple method for generating gamma variables",
     * ACM Transactions on Mathematical Software 26(3), 2000.
     * </pre>
     */
    static double logGamma(double alpha, SplittableRandom rng) {
        if (alpha < 1) {
            double u = 1.0 - rng.nextDouble(); // (0, 1]
            return logGamma(alpha + 1, rng) + Math.log(u) / alpha;
        }
        double d = alpha - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = gaussian(rng);
            double v = 1.0 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1.0 - rng.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return Math.log(d) + Math.log(v);
            }
        }
    }

    /** A standard normal variate by Marsaglia's polar method (the second value is discarded). */
    static double gaussian(SplittableRandom rng) {
        while (true) {
            double u = 2 * rng.nextDouble() - 1;
            double v = 2 * rng.nextDouble() - 1;
            double s = u * u + v * v;
            if (s > 0 && s < 1) {
                return u * Math.sqrt(-2 * Math.log(s) / s);
            }
        }
    }

    /**
     * Rounds {@code weights / sum(weights) * total} to integers that sum to {@code total}: floors first, then one
     * more for the largest fractional parts (ties to the lower index).
     *
     * @param weights non-negative weights with a positive sum
     * @param total   the sum the result must have
     * @return the rounded shares
     */
    static int[] largestRemainder(double[] weights, int total) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        int[] out = new int[weights.length];
        double[] frac = new double[weights.length];
        long assigned = 0;
        for (int i = 0; i < weights.length; i++) {
            double exact = weights[i] / sum * total;
            out[i] = (int) Math.floor(exact);
            frac[i] = exact - out[i];
            assigned += out[i];
        }
        int left = (int) (total - assigned);
        if (left > 0) {
            Integer[] order = new Integer[weights.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> frac[a] != frac[b] ? Double.compare(frac[b], frac[a])
                    : Integer.compare(a, b));
            for (int j = 0; j < left; j++) {
                out[order[j % order.length]]++;
            }
        }
        for (int j = 0; left < 0; j = (j + 1) % out.length) { // floating-point excess: take it from the largest
            int big = 0;
            for (int i = 1; i < out.length; i++) {
                big = out[i] > out[big] ? i : big;
            }
            out[big]--;
            left++;
        }
        return out;
    }

    /** Samples of each class, ascending: {@code result[k]} lists the indices with label {@code k}. */
    static int[][] byClass(int[] labels, int numClasses) {
        int[] count = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] must be in [0, " + numClasses + "), got " + l);
            }
            count[l]++;
        }
        int[][] out = new int[numClasses][];
        for (int k = 0; k < numClasses; k++) {
            out[k] = new int[count[k]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            out[labels[i]][fill[labels[i]]++] = i;
        }
        return out;
    }

    /** Checks the arguments every partitioner shares. */
    static void checkArguments(String type, int[] labels, int numClasses, int numClients) {
        if (labels == null) {
            throw new NullPointerException("labels");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException(type + ": numClasses must be >= 1, got " + numClasses);
        }
        if (numClients < 1) {
            throw new IllegalArgumentException(type + ": number of clients must be >= 1, got " + numClients);
        }
        if (numClients > labels.length) {
            throw new IllegalArgumentException(type + ": cannot give " + numClients + " clients at least one sample"
                    + " each from " + labels.length + " samples; use fewer clients");
        }
    }

    /** Builds the partition from per-client lists, sorting each client's indices. */
    static int[][] finish(IntList[] lists) {
        int[][] out = new int[lists.length][];
        for (int c = 0; c < lists.length; c++) {
            out[c] = lists[c].toArray();
            Arrays.sort(out[c]);
        }
        return out;
    }

    /** A growable list of ints. */
    static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void addRange(int[] src, int from, int to) {
            int len = to - from;
            if (n + len > a.length) {
                a = Arrays.copyOf(a, Math.max(n + len, n * 2));
            }
            System.arraycopy(src, from, a, n, len);
            n += len;
        }

        int size() {
            return n;
        }

        int get(int i) {
            return a[i];
        }

        /** Removes the element at {@code i} by moving the last one into its place. */
        int swapRemove(int i) {
            int v = a[i];
            a[i] = a[--n];
            return v;
        }

        void clear() {
            n = 0;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    static IntList[] lists(int n) {
        IntList[] l = new IntList[n];
        for (int i = 0; i < n; i++) {
            l[i] = new IntList();
        }
        return l;
    }
}
