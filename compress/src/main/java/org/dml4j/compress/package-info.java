/**
 * Gradient compression for distributed and federated training.
 *
 * <ul>
 *   <li>SPI: an immutable {@link org.dml4j.compress.GradientCompressor} creates one
 *       {@link org.dml4j.compress.CompressorState} per worker (residuals, momentum, buffers, adaptive knobs); providers
 *       ({@link org.dml4j.compress.CompressorProvider}) are chosen by type name and configured by validated
 *       {@code <Impl>Config} records; {@link org.dml4j.compress.Compressors#create} binds a config table.</li>
 *   <li>Updates: the sealed {@link org.dml4j.compress.CompressedUpdate} family (dense, sparse, quantized, low-rank)
 *       with exact {@code wireBytes()} and allocation-free {@code addTo} for aggregation straight from compressed
 *       updates; the versioned {@link org.dml4j.compress.UpdateCodec} never trusts a length field.</li>
 *   <li>Compressors: Top-k, Rand-k, hard threshold, DGC, QSGD, scaled sign (EF-signSGD), TernGrad, PowerSGD, fp16 and
 *       bf16 casts, identity, γ-FedHT and ACCORDION; per layer or whole vector; any of them with
 *       {@link org.dml4j.compress.ErrorFeedback}. {@link org.dml4j.compress.DownlinkCompressor} compresses the
 *       server's broadcast with server-side error feedback. Server side: {@link org.dml4j.compress.MajorityVote}
 *       (signSGD's vote) and TernGrad's scaler sharing ({@link org.dml4j.compress.ScalerSharing}).</li>
 *   <li>Controllers in {@link org.dml4j.compress.adaptive}: DAGC-R (and its water-filling variant), DAGC-A,
 *       the γ-FedHT threshold schedule and the ACCORDION detector.</li>
 * </ul>
 *
 * <p>Hot paths run on {@code float[]} with SIMD kernels (a scalar reference and a Vector API implementation chosen
 * at run time, tested against each other); {@code compress} allocates only the update it returns.
 */
package org.dml4j.compress;
