package org.dml4j.parallel.moe;

import java.util.Arrays;

/**
 * Minimum-cost perfect assignment of {@code n} rows to {@code n} columns (Kuhn-Munkres with potentials,
 * {@code O(n^3)}).
 *
 * <pre>
 * Kuhn, "The Hungarian method for the assignment problem", Naval Research Logistics Quarterly, 1955;
 * Munkres, "Algorithms for the assignment and transportation problems", J. SIAM, 1957.
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
final class Hungarian {
    private Hungarian() {
    }

    /**
     * @param cost square cost matrix {@code cost[row][col]}
     * @return {@code col[row]}, the column assigned to each row
     */
    static int[] solve(double[][] cost) {
        int n = cost.length;
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] match = new int[n + 1]; // match[col] = row (1-based), 0 = free
        int[] way = new int[n + 1];
        double[] minv = new double[n + 1];
        boolean[] used = new boolean[n + 1];
        for (int i = 1; i <= n; i++) {
            match[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = match[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= n; j++) {
                    if (!used[j]) {
                        double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[match[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (match[j0] != 0);
            do {
                int j1 = way[j0];
                match[j0] = match[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] colOf = new int[n];
        for (int j = 1; j <= n; j++) {
            if (match[j] > 0) {
                colOf[match[j] - 1] = j - 1;
            }
        }
        return colOf;
    }
}
