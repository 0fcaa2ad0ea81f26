/**
 * Asynchronous strategies over the event API of {@link org.dml4j.fl.Strategy}: FedAsync (mix every update at once,
 * weighted by a {@link org.dml4j.fl.async.Staleness} function), FedBuff (apply every K buffered updates) and FedLuck
 * (periodic aggregation with per-device local steps and compression ratios). Learning-rate schedules are indexed by
 * the server's model version.
 */
package org.dml4j.fl.async;
