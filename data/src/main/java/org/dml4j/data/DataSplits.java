package org.dml4j.data;

import java.util.Objects;

/**
 * A data set's training and test splits as loaded by {@link DatasetStore#load}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param train     the training split
 * @param test      the test split
 * @param location  where the files were found
 * @param federated for data sets with a natural per-client split (LEAF's FEMNIST): the training split with its
 *                  per-user partition ({@code federated.dataset() == train}); {@code null} otherwise
 */
public record DataSplits(Dataset train, Dataset test, DatasetLocation location, FederatedDataset federated) {
    /** Checks the fields. */
    public DataSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(location, "location");
        if (federated != null && federated.dataset() != train) {
            throw new IllegalArgumentException("federated.dataset() must be the training split");
        }
        if (train.featureSize() != test.featureSize() || train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("train " + train + " and test " + test + " do not match");
        }
    }

    /** @return whether the data set comes with a natural per-client partition of its training split */
    public boolean hasNaturalPartition() {
        return federated != null;
    }

    @Override
    public String toString() {
        return "DataSplits[train=" + train + ", test=" + test + ", location=" + location
                + (federated != null ? ", " + federated.partition().numClients() + " natural clients" : "") + "]";
    }
}
