package org.dml4j.fl.gossip;

import java.util.Arrays;

/**
 * The mixing step of decentralized SGD: peer {@code i} replaces its model by {@code Σ_j W_ij x_j} over itself and its
 * neighbours. With Metropolis–Hastings weights {@code W_ij = 1 / (1 + max(d_i, d_j))} on an edge and
 * {@code W_ii = 1 − Σ_{j≠i} W_ij}, {@code W} is symmetric and doubly stochastic on any connected graph, so repeated
 * mixing converges to the average at the rate of its second largest eigenvalue modulus {@code λ}: the consensus error
 * shrinks by a factor {@code λ} per step (spectral gap {@code 1 − λ}).
 *
 * <pre>
 * X. Lian, C. Zhang, H. Zhang, C.-J. Hsieh, W. Zhang, J. Liu. Can Decentralized Algorithms Outperform Centralized
 * Algorithms? A Case Study for Decentralized Parallel Stochastic Gradient Descent. NeurIPS 2017.   (D-PSGD)
 * L. Xiao, S. Boyd. Fast linear iterations for distributed averaging. Systems &amp; Control Letters 53 (2004).
 *                                                                      (Metropolis–Hastings weights)
 * </pre>
 *
 * <p>Immutable and thread-safe. Sums run in neighbour order and in double, so a result never depends on threads.
 */
public final class MixingMatrix {
    private final int n;
    private final int[][] support;   // self first, then neighbours ascending
    private final double[][] weight;

    private MixingMatrix(int[][] support, double[][] weight) {
        this.n = support.length;
        this.support = support;
        this.weight = weight;
    }

    /**
     * @param g a connected graph
     * @return its Metropolis–Hastings matrix
     */
    public static MixingMatrix metropolisHastings(GossipGraph g) {
        return build(g, (i, j) -> 1.0 / (1 + Math.max(g.degree(i), g.degree(j))));
    }

    /**
     * @param g a connected graph
     * @return {@code W_ij = 1/(d_max + 1)} on edges, the rest on the diagonal; on a complete graph every entry is
     *     {@code 1/n}: one step is exact averaging
     */
    public static MixingMatrix uniform(GossipGraph g) {
        int dmax = 0;
        for (int i = 0; i < g.size(); i++) {
            dmax = Math.max(dmax, g.degree(i));
        }
        double w = 1.0 / (dmax + 1);
        return build(g, (i, j) -> w);
    }

    /** The weight of an edge. */
    @FunctionalInterface
    private interface EdgeWeight {
        double of(int i, int j);
    }

    /** Off-diagonal weights on the edges, the rest of each row on the diagonal. */
    private static MixingMatrix build(GossipGraph g, EdgeWeight edge) {
        int n = g.size();
        int[][] s = new int[n][];
        double[][] w = new double[n][];
        for (int i = 0; i < n; i++) {
            int[] nb = g.neighbours(i);
            s[i] = new int[nb.length + 1];
            w[i] = new double[nb.length + 1];
            s[i][0] = i;
            double off = 0;
            for (int k = 0; k < nb.length; k++) {
                s[i][k + 1] = nb[k];
                w[i][k + 1] = edge.of(i, nb[k]);
                off += w[i][k + 1];
            }
            w[i][0] = 1 - off;
        }
        return new MixingMatrix(s, w);
    }

    /**
     * The mixing step among the peers present now (churn): Metropolis–Hastings weights on the subgraph of this
     * matrix's graph induced by the present peers, {@code W_ij = 1 / (1 + max(d'_i, d'_j))} with {@code d'} the
     * degrees counted among present peers only, the rest of a row on its diagonal; an absent peer's row is the
     * identity and no present peer mixes it. Each peer needs only its present neighbours' degrees, which is why the
     * rule is Metropolis–Hastings whatever this matrix's weights were. Symmetric and doubly stochastic; when the
     * induced subgraph is disconnected each of its components averages on its own.
     *
     * @param present which peers take part
     * @return the matrix among them
     * @throws IllegalArgumentException when {@code present} does not have one entry per peer
     */
    public MixingMatrix amongPresent(boolean[] present) {
        if (present.length != n) {
            throw new IllegalArgumentException("present has " + present.length + " entries for " + n + " peers");
        }
        int[] degree = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 1; present[i] && k < support[i].length; k++) {
                degree[i] += present[support[i][k]] ? 1 : 0;
            }
        }
        int[][] s = new int[n][];
        double[][] w = new double[n][];
        for (int i = 0; i < n; i++) {
            s[i] = new int[1 + degree[i]];
            w[i] = new double[1 + degree[i]];
            s[i][0] = i;
            double off = 0;
            int m = 1;
            for (int k = 1; present[i] && k < support[i].length; k++) {
                int j = support[i][k];
                if (present[j]) {
                    s[i][m] = j;
                    w[i][m] = 1.0 / (1 + Math.max(degree[i], degree[j]));
                    off += w[i][m++];
                }
            }
            w[i][0] = 1 - off;
        }
        return new MixingMatrix(s, w);
    }

    /** @return number of peers */
    public int size() {
        return n;
    }

    /**
     * @param i a row
     * @param j a column
     * @return {@code W_ij}
     */
    public double weight(int i, int j) {
        for (int k = 0; k < support[i].length; k++) {
            if (support[i][k] == j) {
                return weight[i][k];
            }
        }
        return 0;
    }

    /**
     * @param i a peer
     * @return the peers whose models it mixes: itself first, then its neighbours ascending
     */
    public int[] support(int i) {
        return support[i].clone();
    }

    /**
     * One mixing step for one peer.
     *
     * @param i      the peer
     * @param models every peer's model (only {@link #support(int)} is read)
     * @param out    receives {@code Σ_j W_ij x_j}
     */
    public void mix(int i, float[][] models, float[] out) {
        int d = out.length;
        double[] acc = new double[d];
        for (int k = 0; k < support[i].length; k++) {
            float[] x = models[support[i][k]];
            double w = weight[i][k];
            for (int e = 0; e < d; e++) {
                acc[e] += w * x[e];
            }
        }
        for (int e = 0; e < d; e++) {
            out[e] = (float) acc[e];
        }
    }

    /**
     * @param x one value per peer
     * @return {@code W x} in double
     */
    public double[] apply(double[] x) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < support[i].length; k++) {
                s += weight[i][k] * x[support[i][k]];
            }
            y[i] = s;
        }
        return y;
    }

    /**
     * The second largest eigenvalue modulus of {@code W} ({@code W} symmetric, so power iteration on {@code W} restricted
     * to vectors orthogonal to the all-ones vector), to a relative tolerance of about 1e-10.
     *
     * @return {@code λ} in [0, 1); {@code 1 − λ} is the spectral gap
     */
    public double secondEigenvalueModulus() {
        double[] v = new double[n];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextDouble() - 0.5;
        }
        double lambda = 0;
        for (int it = 0; it < 100_000; it++) {
            double mean = Arrays.stream(v).average().orElse(0);
            for (int i = 0; i < n; i++) {
                v[i] -= mean;
            }
            double norm = Math.sqrt(Arrays.stream(v).map(a -> a * a).sum());
            if (norm == 0) {
                return 0;
            }
            for (int i = 0; i < n; i++) {
                v[i] /= norm;
            }
            // W² has the same eigenvectors and non-negative eigenvalues: no oscillation between ±λ
            double[] w = apply(apply(v));
            double rayleigh = 0;
            for (int i = 0; i < n; i++) {
                rayleigh += v[i] * w[i];
            }
            double next = Math.sqrt(Math.max(0, rayleigh));
            if (next < 1e-9) {
                return 0; // W is the averaging matrix up to rounding (a complete graph with uniform weights)
            }
            v = w;
            if (it > 10 && Math.abs(next - lambda) < 1e-13) {
                return next;
            }
            lambda = next;
        }
        return lambda;
    }
}
