/**
 * Data sets: the in-memory {@link org.dml4j.data.Dataset} (features {@code float[]}, labels {@code int[]}),
 * readers for IDX ({@link org.dml4j.data.IdxReader}), CSV ({@link org.dml4j.data.CsvReader}), CIFAR-10 binary
 * ({@link org.dml4j.data.CifarReader}) and LEAF JSON ({@link org.dml4j.data.LeafJsonReader}) files, the
 * {@link org.dml4j.data.DatasetStore} that finds or downloads a named data set, and the
 * {@link org.dml4j.data.Partition} of a data set across federated clients (made by the partitioners in
 * {@code org.dml4j.data.partition}: IID, Dirichlet label skew, label shards, quantity skew).
 *
 * <p>Damaged files raise {@link org.dml4j.data.CorruptDataException} naming the file and byte offset; a data set
 * that is neither installed nor downloadable raises {@link org.dml4j.data.DatasetUnavailableException} with install
 * instructions.
 */
package org.dml4j.data;
