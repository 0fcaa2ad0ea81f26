package org.dml4j.data.partition;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.data.Partition;
import org.dml4j.data.partition.Sampling.IntList;

/**
 * {@code shards}: label-quantity skew, NIID-Bench's "#C = c". Every client holds samples of exactly
 * {@code classes-per-client} distinct classes (fewer only when one of its classes has fewer samples than holders).
 * Clients pick their classes one after another among the classes held by the fewest clients so far (ties broken at
 * random), so every class present in the data is held by some client and the holder counts differ by at most one;
 * then each class's shuffled samples are dealt evenly among its holders. The split is complete and disjoint.
 *
 * <p>Requires {@code classes-per-client <= number of classes present} and
 * {@code clients * classes-per-client >= number of classes present} (otherwise some class would have no holder).
 *
 * <pre>
 * Q. Li, Y. Diao, Q. Chen and B. He, "Federated Learning on Non-IID Data Silos: An Experimental Study"
 * (NIID-Bench), ICDE 2022.
 * H. B. McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized Data",
 * AISTATS 2017 (the pathological two-shards-per-client split).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ShardsPartitioner implements Partitioner {
    /** The type name. */
    public static final String NAME = "shards";

    private final ShardsConfig config;

    /** @param config the settings */
    public ShardsPartitioner(ShardsConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the settings */
    public ShardsConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Partition partition(int[] labels, int numClasses, int numClients, SplittableRandom rng) {
        Sampling.checkArguments(NAME, labels, numClasses, numClients);
        int[][] byClass = Sampling.byClass(labels, numClasses);
        int kp = 0;
        for (int[] cls : byClass) {
            kp += cls.length > 0 ? 1 : 0;
        }
        int[] classes = new int[kp];
        for (int k = 0, j = 0; k < numClasses; k++) {
            if (byClass[k].length > 0) {
                classes[j++] = k;
            }
        }
        int c = config.classesPerClient();
        if (c > kp) {
            throw new IllegalArgumentException(NAME + ": classes-per-client " + c + " exceeds the " + kp
                    + " classes present in the data");
        }
        if ((long) numClients * c < kp) {
            throw new IllegalArgumentException(NAME + ": " + numClients + " clients x classes-per-client " + c
                    + " cannot cover the " + kp + " classes present; raise classes-per-client or use more clients");
        }
        // Each client takes the c classes held by the fewest clients so far, ties at random.
        int[] holders = new int[numClasses];
        IntList[] holderLists = Sampling.lists(numClasses);
        double[] key = new double[kp];
        Integer[] order = new Integer[kp];
        for (int client = 0; client < numClients; client++) {
            for (int j = 0; j < kp; j++) {
                key[j] = rng.nextDouble();
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> holders[classes[a]] != holders[classes[b]]
                    ? Integer.compare(holders[classes[a]], holders[classes[b]]) : Double.compare(key[a], key[b]));
            for (int j = 0; j < c; j++) {
                int k = classes[order[j]];
                holders[k]++;
                holderLists[k].add(client);
            }
        }
        IntList[] clients = Sampling.lists(numClients);
        for (int k : classes) {
            int[] cls = byClass[k];
            Sampling.shuffle(cls, rng);
            int h = holderLists[k].size();
            int base = cls.length / h;
            int extra = cls.length % h;
            int[] who = holderLists[k].toArray();
            Sampling.shuffle(who, rng); // which holders get the extra samples
            int at = 0;
            for (int j = 0; j < h; j++) {
                int len = base + (j < extra ? 1 : 0);
                clients[who[j]].addRange(cls, at, at + len);
                at += len;
            }
        }
        return new Partition(Sampling.finish(clients));
    }

    @Override
    public String toString() {
        return "ShardsPartitioner[" + config + "]";
    }

    /** Registers {@code shards}. */
    public static final class Provider implements PartitionerProvider {
        /** Used by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<ShardsConfig> configType() {
            return ShardsConfig.class;
        }

        @Override
        public Partitioner create(PartitionerConfig config) {
            if (!(config instanceof ShardsConfig c)) {
                throw new IllegalArgumentException(NAME + ": expected a ShardsConfig, got " + config);
            }
            return new ShardsPartitioner(c);
        }
    }
}
