/**
 * Hierarchical federated learning (client–edge–cloud) on the runtime seam: an {@link org.dml4j.fl.hier.EdgeAggregator}
 * is a {@link org.dml4j.fl.Participant} of the cloud's coordinator that runs κ2 FedAvg rounds of κ1 local steps over
 * its own clients before it answers, so the cloud runs any strategy of the seam (FedAvg for HierFAVG, FedBuff for an
 * asynchronous cloud) over its edges without a special case in the coordinator.
 */
package org.dml4j.fl.hier;
