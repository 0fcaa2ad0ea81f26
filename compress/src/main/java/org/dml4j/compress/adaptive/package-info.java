/**
 * Adaptive compression controllers: per-worker ratios and thresholds computed at experiment start from the workers'
 * data weights ({@link org.dml4j.compress.adaptive.DagcR}, {@link org.dml4j.compress.adaptive.DagcA}), per-round
 * thresholds from the learning-rate schedule ({@link org.dml4j.compress.adaptive.GammaFedHtSchedule}) and the
 * ACCORDION regime detector ({@link org.dml4j.compress.adaptive.Accordion}). They are pure functions or small
 * single-owner objects; the values they produce are applied with
 * {@link org.dml4j.compress.CompressorState#setRatio} and {@link org.dml4j.compress.CompressorState#setThreshold}.
 */
package org.dml4j.compress.adaptive;
