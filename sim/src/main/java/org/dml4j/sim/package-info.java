/**
 * In-process simulation of federated training. {@link org.dml4j.sim.FederatedSimulation} trains the sampled clients
 * of each round in parallel on worker threads, each with its own model, aggregates their replies in client-id order
 * and counts the bytes sent each way; the result is identical whatever the thread count.
 */
package org.dml4j.sim;
