/**
 * FedLuck's control math (spec §3.3–3.4): {@link org.dml4j.fl.fedluck.TimingEstimator} turns the compute and upload
 * times in replies into each device's {@code alpha_i} and {@code beta_i}; {@link org.dml4j.fl.fedluck.FedLuckControl}
 * picks the device's local steps and compression rate by grid search and holds the server's aggregation period. The
 * event-driven strategy that dispatches with these choices and aggregates every period lives with the other
 * strategies.
 *
 * <pre>
 * J. Song, J. Luo, R. Lu, S. Xie, B. Chen, Z. Wang. "A Joint Approach to Local Updating and Gradient Compression
 * for Efficient Asynchronous Federated Learning." Euro-Par 2024; arXiv:2407.05125.
 * </pre>
 */
package org.dml4j.fl.fedluck;
