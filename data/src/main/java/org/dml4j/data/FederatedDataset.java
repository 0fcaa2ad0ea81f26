package org.dml4j.data;

import java.util.List;
import java.util.Objects;

/**
 * A data set that comes with its natural split across clients, such as the users (writers) of LEAF's FEMNIST:
 * client {@code c} of {@link #partition()} is the user {@code clientIds().get(c)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dataset   all samples, grouped by client
 * @param partition the natural per-client split of {@code dataset}
 * @param clientIds the client (user) names, one per client of the partition
 */
public record FederatedDataset(Dataset dataset, Partition partition, List<String> clientIds) {
    /** Checks that the parts agree. */
    public FederatedDataset {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(partition, "partition");
        clientIds = List.copyOf(clientIds);
        if (clientIds.size() != partition.numClients()) {
            throw new IllegalArgumentException("clientIds has " + clientIds.size() + " names but the partition has "
                    + partition.numClients() + " clients");
        }
        if (!partition.isComplete(dataset.size())) {
            throw new IllegalArgumentException("partition must assign every sample of " + dataset.name()
                    + " to exactly one client");
        }
    }
}
