package org.dml4j.data.partition;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.data.Partition;

/**
 * {@code iid}: shuffles all samples and deals them into {@code numClients} contiguous blocks whose sizes differ by
 * at most one, so every client's label mix follows the global one up to sampling noise.
 *
 * <p>Immutable and thread-safe.
 */
public final class IidPartitioner implements Partitioner {
    /** The type name. */
    public static final String NAME = "iid";

    /** @param config the (empty) configuration */
    public IidPartitioner(IidConfig config) {
        Objects.requireNonNull(config, "config");
    }

    /** Creates the partitioner with its only configuration. */
    public IidPartitioner() {
        this(new IidConfig());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Partition partition(int[] labels, int numClasses, int numClients, SplittableRandom rng) {
        Sampling.checkArguments(NAME, labels, numClasses, numClients);
        Sampling.byClass(labels, numClasses); // validates the labels
        int[] all = new int[labels.length];
        Arrays.setAll(all, i -> i);
        Sampling.shuffle(all, rng);
        return new Partition(split(all, numClients));
    }

    /** Cuts {@code order} into {@code k} contiguous blocks of near-equal size, each sorted. */
    static int[][] split(int[] order, int k) {
        int n = order.length;
        int[][] out = new int[k][];
        int base = n / k;
        int extra = n % k;
        int at = 0;
        for (int c = 0; c < k; c++) {
            int len = base + (c < extra ? 1 : 0);
            out[c] = Arrays.copyOfRange(order, at, at + len);
            Arrays.sort(out[c]);
            at += len;
        }
        return out;
    }

    @Override
    public String toString() {
        return "IidPartitioner[]";
    }

    /** Registers {@code iid}. */
    public static final class Provider implements PartitionerProvider {
        /** Used by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<IidConfig> configType() {
            return IidConfig.class;
        }

        @Override
        public Partitioner create(PartitionerConfig config) {
            if (!(config instanceof IidConfig c)) {
                throw new IllegalArgumentException(NAME + ": expected an IidConfig, got " + config);
            }
            return new IidPartitioner(c);
        }
    }
}
