package org.dml4j.data.partition;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.data.Partition;
import org.dml4j.data.partition.Sampling.IntList;

/**
 * {@code dirichlet}: label-skewed split. For each class {@code k}, draws proportions
 * {@code p ~ Dir(alpha, ..., alpha)} over the clients and gives client {@code j} the share {@code p_j} of that
 * class's (shuffled) samples. Small {@code alpha} concentrates each class on few clients; as {@code alpha} grows
 * every client's label histogram approaches the global proportions. Client sizes vary as a side effect.
 *
 * <p>If a draw leaves a client with fewer than {@code min-size} samples, the whole split is drawn again, up to
 * {@code max-retries} times (as NIID-Bench does); if every draw fails, the last one is repaired by moving random
 * samples from the currently largest client to each small one, so the call always ends.
 *
 * <pre>
 * T.-M. H. Hsu, H. Qi and M. Brown, "Measuring the Effects of Non-Identical Data Distribution for Federated
 * Visual Classification", arXiv:1909.06335, 2019.
 * M. Yurochkin et al., "Bayesian Nonparametric Federated Learning of Neural Networks", ICML 2019.
 * Q. Li, Y. Diao, Q. Chen and B. He, "Federated Learning on Non-IID Data Silos: An Experimental Study"
 * (NIID-Bench), ICDE 2022.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class DirichletPartitioner implements Partitioner {
    /** The type name. */
    public static final String NAME = "dirichlet";

    private final DirichletConfig config;

    /** @param config the settings */
    public DirichletPartitioner(DirichletConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the settings */
    public DirichletConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Partition partition(int[] labels, int numClasses, int numClients, SplittableRandom rng) {
        Sampling.checkArguments(NAME, labels, numClasses, numClients);
        if ((long) config.minSize() * numClients > labels.length) {
            throw new IllegalArgumentException(NAME + ": min-size " + config.minSize() + " times " + numClients
                    + " clients exceeds the " + labels.length + " samples; lower min-size or use fewer clients");
        }
        int[][] byClass = Sampling.byClass(labels, numClasses);
        for (int[] cls : byClass) {
            Sampling.shuffle(cls, rng);
        }
        IntList[] clients = Sampling.lists(numClients);
        double[] p = new double[numClients];
        for (int attempt = 0; ; attempt++) {
            for (IntList l : clients) {
                l.clear();
            }
            for (int[] cls : byClass) {
                if (cls.length == 0) {
                    continue;
                }
                Sampling.dirichlet(config.alpha(), p, rng);
                double cum = 0;
                int from = 0;
                for (int j = 0; j < numClients; j++) {
                    cum += p[j];
                    int to = j == numClients - 1 ? cls.length : (int) Math.min(cls.length, Math.floor(cum
                            * cls.length));
                    if (to > from) {
                        clients[j].addRange(cls, from, to);
                        from = to;
                    }
                }
            }
            if (smallest(clients) >= config.minSize()) {
                break;
            }
            if (attempt >= config.maxRetries()) {
                repair(clients, config.minSize(), rng);
                break;
            }
        }
        return new Partition(Sampling.finish(clients));
    }

    private static int smallest(IntList[] clients) {
        int m = Integer.MAX_VALUE;
        for (IntList l : clients) {
            m = Math.min(m, l.size());
        }
        return m;
    }

    /** Moves random samples from the largest client to every client below {@code minSize}. */
    private static void repair(IntList[] clients, int minSize, SplittableRandom rng) {
        for (IntList small : clients) {
            while (small.size() < minSize) {
                IntList big = clients[0];
                for (IntList l : clients) {
                    if (l.size() > big.size()) {
                        big = l;
                    }
                }
                small.add(big.swapRemove(rng.nextInt(big.size())));
            }
        }
    }

    @Override
    public String toString() {
        return "DirichletPartitioner[" + config + "]";
    }

    /** Registers {@code dirichlet}. */
    public static final class Provider implements PartitionerProvider {
        /** Used by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<DirichletConfig> configType() {
            return DirichletConfig.class;
        }

        @Override
        public Partitioner create(PartitionerConfig config) {
            if (!(config instanceof DirichletConfig c)) {
                throw new IllegalArgumentException(NAME + ": expected a DirichletConfig, got " + config);
            }
            return new DirichletPartitioner(c);
        }
    }
}
