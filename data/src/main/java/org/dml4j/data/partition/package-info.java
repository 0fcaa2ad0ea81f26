/**
 * Partitioners that split a data set across federated clients, selected by a type name through
 * {@link org.dml4j.data.partition.PartitionerProvider#REGISTRY} ({@code META-INF/services}):
 * {@code iid}, {@code dirichlet} (label skew), {@code shards} (#C classes per client) and {@code quantity-skew}
 * (sizes in an arithmetic or geometric series with a given largest/smallest ratio). Each returns a
 * {@link org.dml4j.data.Partition}; all randomness comes from the {@link java.util.SplittableRandom} passed in, so
 * the same seed gives the same partition.
 */
package org.dml4j.data.partition;
