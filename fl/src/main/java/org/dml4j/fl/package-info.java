/**
 * Federated learning: the {@link org.dml4j.fl.Strategy} SPI (configure a round, aggregate its replies; no I/O), the
 * client logic in {@link org.dml4j.fl.FlClient}, FedAvg and FedProx, and per-round metrics. The same strategy and
 * client code run under the in-process simulator ({@code sim}) and over the network ({@code grpc}).
 */
package org.dml4j.fl;
