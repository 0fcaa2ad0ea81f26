package org.dml4j.compress.adaptive;

/** Validation and normalisation of worker weights. */
final class Weights {
    private Weights() {
    }

    /** @return {@code p / sum(p)}, after checking that every weight is finite and &gt; 0 */
    static double[] normalised(double[] p) {
        if (p == null || p.length == 0) {
            throw new IllegalArgumentException("p must list at least one worker weight");
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] > 0) || !Double.isFinite(p[i])) {
                throw new IllegalArgumentException("p[" + i + "] must be finite and > 0, got " + p[i]);
            }
            sum += p[i];
        }
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] / sum;
        }
        return out;
    }

    /** @return worker ids sorted by weight, largest first, ties by lower id */
    static int[] descending(double[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Double.compare(p[b], p[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] o = new int[p.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = order[i];
        }
        return o;
    }

    /**
     * [reconstructed] Clips ratios at 1 and hands the excess to the unclipped workers in proportion to their ratios,
     * until none exceeds 1; the sum is kept.
     */
    static void capAtOne(double[] d) {
        for (int round = 0; round < d.length; round++) {
            double excess = 0;
            double free = 0;
            for (double v : d) {
                if (v > 1) {
                    excess += v - 1;
                } else if (v < 1) {
                    free += v;
                }
            }
            if (excess <= 0) {
                return;
            }
            for (int i = 0; i < d.length; i++) {
                if (d[i] > 1) {
                    d[i] = 1;
                } else if (d[i] < 1 && free > 0) {
                    d[i] += excess * d[i] / free;
                }
            }
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.min(1, d[i]);
        }
    }

    static double checkBudget(String field, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(field + " must be in (0, 1], got " + v);
        }
        return v;
    }
}
