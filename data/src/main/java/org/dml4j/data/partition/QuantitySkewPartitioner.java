package org.dml4j.data.partition;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.data.Partition;
import org.dml4j.data.partition.QuantitySkewConfig.LabelMix;
import org.dml4j.data.partition.QuantitySkewConfig.Series;
import org.dml4j.data.partition.Sampling.IntList;

/**
 * {@code quantity-skew}: clients of very different sizes, as in DAGC's artificial non-IID setup
 * (specs/algorithms.md §1.7). Client {@code i}'s share is proportional to the {@code i}-th term of a descending
 * series from {@code SR} to 1 (client 0 is the largest, client {@code n-1} the smallest), so the largest over the
 * smallest client size is the skew ratio {@code SR} up to rounding to whole samples:
 * <ul>
 *   <li>{@code arithmetic}: {@code SR - (SR - 1) * i / (n - 1)} (the paper; its Dirichlet perturbation of the sizes
 *       is left out so that SR holds exactly);</li>
 *   <li>{@code geometric}: {@code logspace(log10 SR, 0, n - 1)} with the last value repeated (the reference code).</li>
 * </ul>
 * Sizes are rounded by largest remainder so they sum to the number of samples. Within those sizes, samples are
 * drawn either IID (a shuffled deal) or with a per-client class mix {@code q_i ~ Dir(alpha)} over the classes (the
 * reference code uses {@code alpha = 1}). With a Dirichlet mix, clients are filled smallest first; when a class runs
 * out, the rest of that client's quota is spread over the classes still available in proportion to its own mix.
 *
 * <pre>
 * R. Lu, J. Song, B. Chen, L. Cui, Z. Wang, "DAGC: Data-Aware Adaptive Gradient Compression", IEEE INFOCOM 2023.
 * R. Lu, Y. Jiang, Y. Mao, C. Tang, B. Chen, L. Cui, Z. Wang, "Data-Aware Gradient Compression for FL in
 * Communication-Constrained Mobile Computing", IEEE Transactions on Mobile Computing, 2024 (code: Jiang-Yutong/DAGC).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class QuantitySkewPartitioner implements Partitioner {
    /** The type name. */
    public static final String NAME = "quantity-skew";

    private final QuantitySkewConfig config;

    /** @param config the settings */
    public QuantitySkewPartitioner(QuantitySkewConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the settings */
    public QuantitySkewConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * The unnormalised series: {@code weights[0] = SR} down to {@code weights[n-1] = 1}.
     *
     * @param numClients number of clients, at least 1
     * @return the series, descending
     */
    public double[] weights(int numClients) {
        if (numClients < 1) {
            throw new IllegalArgumentException(NAME + ": number of clients must be >= 1, got " + numClients);
        }
        double sr = config.skewRatio();
        double[] w = new double[numClients];
        if (numClients == 1) {
            w[0] = 1;
        } else if (config.series() == Series.ARITHMETIC) {
            for (int i = 0; i < numClients; i++) {
                w[i] = sr - (sr - 1) * i / (numClients - 1);
            }
        } else if (numClients == 2) {
            w[0] = sr;
            w[1] = 1;
        } else {
            int m = numClients - 1; // logspace(log10 SR, 0, m), then the last value again
            for (int i = 0; i < m; i++) {
                w[i] = Math.pow(sr, 1.0 - (double) i / (m - 1));
            }
            w[m] = 1;
        }
        w[numClients - 1] = 1;
        w[0] = numClients == 1 ? 1 : sr;
        return w;
    }

    /**
     * @param numSamples number of samples to share out
     * @param numClients number of clients
     * @return each client's size, descending, summing to {@code numSamples}
     * @throws IllegalArgumentException when the smallest client would get no sample
     */
    public int[] clientSizes(int numSamples, int numClients) {
        double[] w = weights(numClients);
        int[] sizes = Sampling.largestRemainder(w, numSamples);
        if (sizes[numClients - 1] < 1) {
            double sum = Arrays.stream(w).sum();
            throw new IllegalArgumentException(NAME + ": " + numClients + " clients with skew-ratio "
                    + config.skewRatio() + " need at least " + (long) Math.ceil(sum) + " samples so that the"
                    + " smallest client gets one, got " + numSamples + "; lower skew-ratio or use fewer clients");
        }
        return sizes;
    }

    @Override
    public Partition partition(int[] labels, int numClasses, int numClients, SplittableRandom rng) {
        Sampling.checkArguments(NAME, labels, numClasses, numClients);
        int[][] byClass = Sampling.byClass(labels, numClasses);
        int[] sizes = clientSizes(labels.length, numClients);
        if (config.labelMix() == LabelMix.IID) {
            int[] all = new int[labels.length];
            Arrays.setAll(all, i -> i);
            Sampling.shuffle(all, rng);
            int[][] out = new int[numClients][];
            int at = 0;
            for (int c = 0; c < numClients; c++) {
                out[c] = Arrays.copyOfRange(all, at, at + sizes[c]);
                Arrays.sort(out[c]);
                at += sizes[c];
            }
            return new Partition(out);
        }
        for (int[] cls : byClass) {
            Sampling.shuffle(cls, rng);
        }
        double[][] mix = new double[numClients][numClasses];
        for (double[] q : mix) {
            Sampling.dirichlet(config.alpha(), q, rng);
        }
        int[] avail = new int[numClasses];
        int[] next = new int[numClasses];
        for (int k = 0; k < numClasses; k++) {
            avail[k] = byClass[k].length;
        }
        IntList[] clients = Sampling.lists(numClients);
        int[] take = new int[numClasses];
        double[] w = new double[numClasses];
        for (int c = numClients - 1; c >= 0; c--) { // smallest first
            double[] q = mix[c];
            int[] want = Sampling.largestRemainder(q, sizes[c]);
            int deficit = sizes[c];
            for (int k = 0; k < numClasses; k++) {
                take[k] = Math.min(want[k], avail[k]);
                deficit -= take[k];
            }
            while (deficit > 0) {
                double sum = 0;
                for (int k = 0; k < numClasses; k++) {
                    w[k] = avail[k] > take[k] ? q[k] : 0;
                    sum += w[k];
                }
                if (!(sum > 0)) { // the client's own classes are exhausted: follow what is left
                    for (int k = 0; k < numClasses; k++) {
                        w[k] = avail[k] - take[k];
                        sum += w[k];
                    }
                }
                int given = 0;
                int best = -1;
                for (int k = 0; k < numClasses; k++) {
                    if (w[k] <= 0) {
                        continue;
                    }
                    int extra = (int) Math.min(avail[k] - take[k], Math.floor(w[k] / sum * deficit));
                    take[k] += extra;
                    given += extra;
                    if (best < 0 || w[k] > w[best]) {
                        best = k;
                    }
                }
                if (given == 0) {
                    take[best]++;
                    given = 1;
                }
                deficit -= given;
            }
            for (int k = 0; k < numClasses; k++) {
                clients[c].addRange(byClass[k], next[k], next[k] + take[k]);
                next[k] += take[k];
                avail[k] -= take[k];
            }
        }
        return new Partition(Sampling.finish(clients));
    }

    @Override
    public String toString() {
        return "QuantitySkewPartitioner[" + config + "]";
    }

    /** Registers {@code quantity-skew}. */
    public static final class Provider implements PartitionerProvider {
        /** Used by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<QuantitySkewConfig> configType() {
            return QuantitySkewConfig.class;
        }

        @Override
        public Partitioner create(PartitionerConfig config) {
            if (!(config instanceof QuantitySkewConfig c)) {
                throw new IllegalArgumentException(NAME + ": expected a QuantitySkewConfig, got " + config);
            }
            return new QuantitySkewPartitioner(c);
        }
    }
}
