/**
 * Gradient compression: the {@link org.dml4j.compress.GradientCompressor} SPI with per-worker
 * {@link org.dml4j.compress.CompressorState}, the sealed {@link org.dml4j.compress.CompressedUpdate} family with exact
 * wire sizes, and the versioned {@link org.dml4j.compress.UpdateCodec}.
 */
package org.dml4j.compress;
