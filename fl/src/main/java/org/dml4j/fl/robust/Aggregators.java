package org.dml4j.fl.robust;

import java.util.Arrays;
import java.util.Objects;

/**
 * Robust aggregation rules over {@code n} dense updates of one dimension (rows of {@code updates}). Each returns a new
 * array; inputs are not modified. Sums accumulate in double and run in row order, so results do not depend on
 * threads. Ties (equal scores or values) resolve to the lower row index.
 *
 * <pre>
 * D. Yin, Y. Chen, K. Ramchandran, P. Bartlett. Byzantine-Robust Distributed Learning: Towards Optimal Statistical
 *   Rates. ICML 2018.                                               (coordinate-wise median, trimmed mean)
 * P. Blanchard, E. M. El Mhamdi, R. Guerraoui, J. Stainer. Machine Learning with Adversaries: Byzantine Tolerant
 *   Gradient Descent. NeurIPS 2017.                                 (Krum, multi-Krum)
 * Z. Sun, P. Kairouz, A. T. Suresh, H. B. McMahan. Can You Really Backdoor Federated Learning? arXiv:1911.07963,
 *   2019.                                                           (norm clipping)
 * </pre>
 */
public final class Aggregators {
    private Aggregators() {
    }

    private static int check(float[][] updates) {
        Objects.requireNonNull(updates, "updates");
        if (updates.length == 0) {
            throw new IllegalArgumentException("updates must not be empty");
        }
        int dim = updates[0].length;
        for (int i = 1; i < updates.length; i++) {
            if (updates[i].length != dim) {
                throw new IllegalArgumentException("update " + i + " has dim " + updates[i].length + ", update 0 has "
                        + dim);
            }
        }
        return dim;
    }

    /**
     * @param updates rows
     * @param weights one non-negative weight a row, not all zero
     * @return {@code Σ w_i u_i / Σ w_i}
     */
    public static float[] weightedMean(float[][] updates, double[] weights) {
        int dim = check(updates);
        if (weights.length != updates.length) {
            throw new IllegalArgumentException("weights has " + weights.length + " entries, updates "
                    + updates.length);
        }
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("weights must be finite and >= 0, got " + w);
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("weights must not all be zero");
        }
        double[] acc = new double[dim];
        for (int i = 0; i < updates.length; i++) {
            double w = weights[i] / total;
            for (int j = 0; j < dim; j++) {
                acc[j] += w * updates[i][j];
            }
        }
        return toFloat(acc);
    }

    /**
     * Coordinate-wise median (Yin et al. 2018, Option I): for each coordinate the middle value, or the mean of the
     * two middle values for an even count.
     *
     * @param updates rows
     * @return the median vector
     */
    public static float[] median(float[][] updates) {
        int dim = check(updates);
        int n = updates.length;
        float[] col = new float[n];
        float[] out = new float[dim];
        for (int j = 0; j < dim; j++) {
            for (int i = 0; i < n; i++) {
                col[i] = updates[i][j];
            }
            Arrays.sort(col);
            out[j] = n % 2 == 1 ? col[n / 2] : (float) ((col[n / 2 - 1] + (double) col[n / 2]) / 2);
        }
        return out;
    }

    /**
     * Coordinate-wise β-trimmed mean (Yin et al. 2018, Option II): for each coordinate drop the
     * {@code b = floor(β n)} largest and the {@code b} smallest values and average the rest.
     *
     * @param updates rows
     * @param beta    fraction trimmed at each end, in [0, 0.5)
     * @return the trimmed mean
     */
    public static float[] trimmedMean(float[][] updates, double beta) {
        int dim = check(updates);
        if (!(beta >= 0 && beta < 0.5)) {
            throw new IllegalArgumentException("trim must be in [0, 0.5), got " + beta);
        }
        int n = updates.length;
        int b = (int) Math.floor(beta * n + 1e-9);
        if (n - 2 * b < 1) {
            throw new IllegalArgumentException("trim = " + beta + " leaves nothing of " + n + " updates");
        }
        float[] col = new float[n];
        float[] out = new float[dim];
        for (int j = 0; j < dim; j++) {
            for (int i = 0; i < n; i++) {
                col[i] = updates[i][j];
            }
            Arrays.sort(col);
            double s = 0;
            for (int i = b; i < n - b; i++) {
                s += col[i];
            }
            out[j] = (float) (s / (n - 2 * b));
        }
        return out;
    }

    /**
     * Krum scores (Blanchard et al. 2017): for each update the sum of its squared distances to its {@code n − f − 2}
     * nearest other updates.
     *
     * @param updates rows
     * @param f       Byzantine updates tolerated; needs {@code n > 2f + 2}
     * @return one score a row
     */
    public static double[] krumScores(float[][] updates, int f) {
        int dim = check(updates);
        int n = updates.length;
        if (f < 0 || n <= 2 * f + 2) {
            throw new IllegalArgumentException("Krum with byzantine = " + f + " needs more than " + (2 * f + 2)
                    + " updates, got " + n);
        }
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = i + 1; k < n; k++) {
                double s = 0;
                for (int j = 0; j < dim; j++) {
                    double x = updates[i][j] - (double) updates[k][j];
                    s += x * x;
                }
                d[i][k] = s;
                d[k][i] = s;
            }
        }
        int closest = n - f - 2;
        double[] scores = new double[n];
        double[] row = new double[n - 1];
        for (int i = 0; i < n; i++) {
            int c = 0;
            for (int k = 0; k < n; k++) {
                if (k != i) {
                    row[c++] = d[i][k];
                }
            }
            Arrays.sort(row);
            double s = 0;
            for (int k = 0; k < closest; k++) {
                s += row[k];
            }
            scores[i] = s;
        }
        return scores;
    }

    /**
     * Multi-Krum (Blanchard et al. 2017): the mean of the {@code m} updates with the lowest Krum scores; {@code m = 1}
     * is Krum.
     *
     * @param updates rows
     * @param f       Byzantine updates tolerated
     * @param m       updates averaged, in [1, n − f]
     * @return the aggregate
     */
    public static float[] multiKrum(float[][] updates, int f, int m) {
        int[] picked = krumSelect(updates, f, m);
        float[][] rows = new float[m][];
        double[] w = new double[m];
        for (int i = 0; i < m; i++) {
            rows[i] = updates[picked[i]];
            w[i] = 1;
        }
        return weightedMean(rows, w);
    }

    /**
     * @param updates rows
     * @param f       Byzantine updates tolerated
     * @param m       how many to select, in [1, n − f]
     * @return the indices of the {@code m} lowest scores, ascending by score (then index)
     */
    public static int[] krumSelect(float[][] updates, int f, int m) {
        double[] scores = krumScores(updates, f);
        int n = updates.length;
        if (m < 1 || m > n - f) {
            throw new IllegalArgumentException("krum-m must be in [1, " + (n - f) + "], got " + m);
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b]) : a - b);
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /**
     * Norm clipping (Sun et al. 2019): {@code u · min(1, M / ‖u‖₂)}.
     *
     * @param update  a vector
     * @param maxNorm the bound M, positive
     * @return the clipped copy
     */
    public static float[] clip(float[] update, double maxNorm) {
        if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
            throw new IllegalArgumentException("clip-norm must be positive, got " + maxNorm);
        }
        double s = 0;
        for (float v : update) {
            s += v * (double) v;
        }
        double norm = Math.sqrt(s);
        float[] out = update.clone();
        if (norm > maxNorm) {
            double scale = maxNorm / norm;
            for (int j = 0; j < out.length; j++) {
                out[j] = (float) (out[j] * scale);
            }
        }
        return out;
    }

    private static float[] toFloat(double[] acc) {
        float[] out = new float[acc.length];
        for (int j = 0; j < acc.length; j++) {
            out[j] = (float) acc[j];
        }
        return out;
    }
}
