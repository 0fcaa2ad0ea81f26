/**
 * Data sets: the in-memory {@link org.dml4j.data.Dataset}, readers for IDX, CSV, CIFAR-10 binary and LEAF JSON
 * files, the {@code DatasetStore} that finds or downloads a named data set, and partitioners that split a data set
 * across federated clients (IID, Dirichlet label skew, label shards, quantity skew).
 */
package org.dml4j.data;
