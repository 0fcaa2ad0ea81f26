/**
 * Model descriptions for the planner: per-layer costs ({@link org.dml4j.planner.model.LayerSpec}), transformer
 * shapes with mixture-of-experts fields ({@link org.dml4j.planner.model.TransformerSpec}), presets including the
 * models of Megatron-LM's table and a 1-trillion-parameter GPT ({@link org.dml4j.planner.model.ModelPresets}), and
 * JSON files ({@link org.dml4j.planner.model.ModelFiles}).
 *
 * <pre>
 * Narayanan et al., SC 2021 (FLOP counts); Korthikanti et al. 2022 (activation memory); Lepikhin et al., "GShard",
 * ICLR 2021 (mixture of experts).
 * </pre>
 */
package org.dml4j.planner.model;
