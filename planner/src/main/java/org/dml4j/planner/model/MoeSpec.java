package org.dml4j.planner.model;

/**
 * The mixture-of-experts part of a transformer: every {@code every}-th layer's MLP is replaced by {@code experts}
 * experts of FFN size {@code expertFfnHidden}, each token routed to {@code topK} of them (GShard, Switch).
 *
 * <p>{@code imbalance} is the expected ratio of the most loaded expert-parallel rank's token count to the mean
 * (max/mean load, at least 1) when experts are spread over more than one rank: the expert compute and the all-to-all
 * are set by the most loaded rank. (With expert parallelism 1 every rank hosts every expert and serves its own
 * tokens, so no factor applies.) Measure it on a
 * routing trace with the {@code parallel} module's expert placement (spec section 5) or take a typical figure:
 * 1.0 is perfect balance; auxiliary-loss balancing typically leaves tens of percent (Lepikhin et al. report
 * capacity factors of 1.25-2 to absorb it).
 *
 * <pre>
 * Lepikhin et al., "GShard: Scaling Giant Models with Conditional Computation and Automatic Sharding", ICLR 2021.
 * Fedus, Zoph, Shazeer, "Switch Transformers", JMLR 2022.
 * DeepSeek-AI, "DeepSeek-V3 Technical Report", 2024 (expert-parallel load balancing, EPLB).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param experts         experts per MoE layer, at least 2
 * @param topK            experts per token, in [1, experts]
 * @param expertFfnHidden FFN hidden size of one expert
 * @param every           one MoE layer every {@code every} layers (1: all layers)
 * @param imbalance       max/mean token load over expert-parallel ranks, at least 1
 */
public record MoeSpec(int experts, int topK, int expertFfnHidden, int every, double imbalance) {
    /** Validates, naming the bad field. */
    public MoeSpec {
        if (experts < 2) {
            throw new IllegalArgumentException("moe.experts must be >= 2, got " + experts);
        }
        if (topK < 1 || topK > experts) {
            throw new IllegalArgumentException("moe.top-k must be in [1, experts = " + experts + "], got " + topK);
        }
        if (expertFfnHidden < 1) {
            throw new IllegalArgumentException("moe.expert-ffn-hidden must be >= 1, got " + expertFfnHidden);
        }
        if (every < 1) {
            throw new IllegalArgumentException("moe.every must be >= 1, got " + every);
        }
        if (!(imbalance >= 1) || Double.isInfinite(imbalance)) {
            throw new IllegalArgumentException("moe.imbalance must be a finite number >= 1, got " + imbalance);
        }
    }
}
