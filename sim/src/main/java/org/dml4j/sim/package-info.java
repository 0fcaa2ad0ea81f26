/**
 * In-process simulation of federated training: {@link org.dml4j.sim.FederatedSimulation} runs the coordinator of
 * module {@code fl} over {@link org.dml4j.sim.SimTransport}, the simulated transport on a virtual clock, whose
 * participants train eagerly on worker threads while their results are released in virtual-time order; compute and
 * transfer times come from the device model ({@code org.dml4j.sim.device}) and the fluid network
 * ({@code org.dml4j.sim.network}). The result is identical whatever the thread count.
 */
package org.dml4j.sim;
