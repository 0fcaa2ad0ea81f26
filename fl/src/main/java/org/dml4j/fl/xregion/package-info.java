/**
 * Cross-region data parallelism: workers (not clients) that train one model together across regions joined by slow
 * WAN links. {@link org.dml4j.fl.xregion.DataParallelWorker} takes H inner steps (SGD or AdamW, its optimiser state
 * kept across syncs), {@link org.dml4j.fl.xregion.OuterOptimizer} applies the averaged delta (plain averaging for
 * Local SGD, Nesterov momentum for DiLoCo, heavy-ball momentum for synchronous data parallelism) and
 * {@link org.dml4j.fl.xregion.DecoController} picks DeCo-SGD's staleness and compression ratio from the measured
 * links. The simulator's {@code CrossRegionSimulation} runs them in virtual time.
 */
package org.dml4j.fl.xregion;
