package org.dml4j.data.partition;

import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.data.Partition;

/**
 * Splits the samples of a data set across {@code numClients} federated clients. The result is disjoint and
 * complete (every sample goes to exactly one client), each client's indices sorted ascending.
 *
 * <p>Implementations are immutable and thread-safe; all randomness comes from the generator passed in, so the same
 * seed, labels and client count give the same partition on every machine and thread.
 */
public interface Partitioner {
    /** @return the type name, as written in a config file ({@code "dirichlet"}) */
    String name();

    /**
     * @param labels     the class label of every sample, in {@code [0, numClasses)}
     * @param numClasses number of classes
     * @param numClients number of clients, at least 1
     * @param rng        the source of randomness; advanced by the call
     * @return the partition
     * @throws IllegalArgumentException when the data cannot be split this way (too few samples for the clients,
     *                                  naming the setting that should change)
     */
    Partition partition(int[] labels, int numClasses, int numClients, SplittableRandom rng);

    /**
     * @param data       the data set to split
     * @param numClients number of clients, at least 1
     * @param rng        the source of randomness; advanced by the call
     * @return the partition of {@code data}
     */
    default Partition partition(Dataset data, int numClients, SplittableRandom rng) {
        return partition(data.labels(), data.numClasses(), numClients, rng);
    }

    /**
     * @param data       the data set to split
     * @param numClients number of clients, at least 1
     * @param seed       the seed node for this partition, e.g. {@code root.child("partition")}
     * @return the partition of {@code data}
     */
    default Partition partition(Dataset data, int numClients, SeedTree seed) {
        return partition(data, numClients, seed.random());
    }
}
