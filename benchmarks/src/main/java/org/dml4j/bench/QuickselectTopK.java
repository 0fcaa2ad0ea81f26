package org.dml4j.bench;

/**
 * The reference Top-k the issue measures against: copy the magnitudes, find the k-th largest with a plain Hoare
 * quickselect, then one gather pass (ties by lower index). Not thread-safe: one instance per benchmark state.
 */
final class QuickselectTopK {
    private final float[] scratch;

    QuickselectTopK(int n) {
        scratch = new float[n];
    }

    /**
     * @param x the vector
     * @param k how many to keep
     * @param idx output indices, length k
     * @param val output values, length k
     */
    void select(float[] x, int k, int[] idx, float[] val) {
        int n = x.length;
        float[] a = scratch;
        for (int i = 0; i < n; i++) {
            a[i] = Math.abs(x[i]);
        }
        float t = kthLargest(a, n, k);
        int gt = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[i]) > t) {
                gt++;
            }
        }
        int eq = k - gt;
        int p = 0;
        for (int i = 0; i < n; i++) {
            float m = Math.abs(x[i]);
            if (m > t || (m == t && eq-- > 0)) {
                idx[p] = i;
                val[p] = x[i];
                p++;
            }
        }
    }

    /** Hoare-partition quickselect for the k-th largest (k from 1). */
    static float kthLargest(float[] a, int n, int k) {
        int target = n - k;
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float tmp = a[i];
                    a[i] = a[j];
                    a[j] = tmp;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return a[target];
            }
        }
        return a[target];
    }
}
