/**
 * Byzantine-robust aggregation: {@link org.dml4j.fl.robust.Aggregators#median coordinate-wise median} and
 * {@link org.dml4j.fl.robust.Aggregators#trimmedMean trimmed mean} (Yin et al., ICML 2018),
 * {@link org.dml4j.fl.robust.Aggregators#multiKrum Krum and multi-Krum} (Blanchard et al., NeurIPS 2017), and
 * {@link org.dml4j.fl.robust.Aggregators#clip norm clipping} (Sun et al., 2019), as pure functions over dense
 * updates, and {@link org.dml4j.fl.robust.RobustStrategy}, which puts one of them under any strategy's commits, so
 * they run in the simulator and over gRPC alike ({@code type = "robust-fedavg"}).
 */
package org.dml4j.fl.robust;
