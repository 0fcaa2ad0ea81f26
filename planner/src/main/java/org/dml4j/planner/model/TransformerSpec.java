package org.dml4j.planner.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A decoder-only transformer's shape (GPT / Llama family, optionally with mixture-of-experts layers), turned into
 * per-layer costs by {@link #toModel()} with the closed forms below. {@code s} is the sequence length, {@code h} the
 * hidden size, {@code a} the heads, {@code k} the key/value heads, {@code f} the FFN size, {@code V} the vocabulary,
 * {@code e} the activation bytes of the precision (Korthikanti's byte counts assume {@code e = 2} and 1-byte dropout
 * masks), per sample:
 *
 * <ul>
 *   <li>matmul FLOPs of a layer: {@code 2sh(h + 2hk/a) + 2sh^2 + 2shf(3 if gated else 2)}, which is {@code 24sh^2}
 *       for {@code f = 4h, k = a} (Narayanan et al., SC 2021, appendix); attention core {@code 4s^2h}; output layer
 *       {@code 2shV}. So a GPT iteration with full recomputation costs
 *       {@code 96Bslh^2(1 + s/(6h) + V/(16lh))} FLOPs, the formula of Megatron-LM's table.</li>
 *   <li>activations of a layer (Korthikanti et al. 2022, section 4.1): {@code sh(34 + 5as/h)} bytes, of which
 *       {@code 10sh} not split by tensor parallelism, {@code 24sh} split, {@code 5as^2} attention scores; layer input
 *       {@code 2sh}. Flash attention stores no scores (Dao et al., NeurIPS 2022).</li>
 *   <li>a mixture-of-experts layer routes each token to {@code topK} experts of size {@code f_e}: expert FLOPs
 *       {@code 2shf_e(3 or 2) topK}, two all-to-alls of {@code topK * s * h * e} bytes per forward (Lepikhin et al.,
 *       GShard, ICLR 2021).</li>
 * </ul>
 *
 * <pre>
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021.
 * Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models", MLSys 2023 (arXiv 2022).
 * Dao et al., "FlashAttention", NeurIPS 2022. Shazeer, "GLU Variants Improve Transformer", 2020 (gated FFN).
 * Ainslie et al., "GQA: Training Generalized Multi-Query Transformer Models", EMNLP 2023 (key/value heads).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name             a label for reports
 * @param layers           transformer layers, at least 1
 * @param hidden           hidden size {@code h}
 * @param heads            attention heads {@code a}; must divide {@code h}
 * @param kvHeads          key/value heads {@code k} (grouped-query attention); must divide {@code a}
 * @param ffnHidden        FFN hidden size {@code f} of a dense layer
 * @param seqLength        sequence length {@code s}
 * @param vocab            vocabulary size {@code V}
 * @param gatedFfn         whether the FFN is gated (SwiGLU: three matrices)
 * @param learnedPositions whether positions are a learned {@code s x h} embedding (GPT) rather than rotary (Llama)
 * @param tiedEmbeddings   whether the output layer shares the embedding's weights
 * @param flashAttention   whether attention scores are recomputed inside a fused kernel instead of stored
 * @param precision        compute precision
 * @param moe              the mixture-of-experts part, or {@code null} for a dense model
 */
public record TransformerSpec(String name, int layers, int hidden, int heads, int kvHeads, int ffnHidden,
                              int seqLength, int vocab, boolean gatedFfn, boolean learnedPositions,
                              boolean tiedEmbeddings, boolean flashAttention, Precision precision, MoeSpec moe) {
    /** Validates the shape, naming the field and value that are wrong. */
    public TransformerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(precision, "precision");
        positive("layers", layers);
        positive("hidden", hidden);
        positive("heads", heads);
        positive("kv-heads", kvHeads);
        positive("ffn-hidden", ffnHidden);
        positive("seq-length", seqLength);
        positive("vocab", vocab);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must divide hidden (" + hidden + ") in model '"
                    + name + "'");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("kv-heads (" + kvHeads + ") must divide heads (" + heads + ") in model '"
                    + name + "'");
        }
    }

    private static void positive(String field, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + v);
        }
    }

    /**
     * A GPT-style model as in Megatron-LM's table: FFN {@code 4h}, learned positions, tied embeddings, no flash
     * attention, bf16.
     *
     * @param name   label
     * @param layers layers
     * @param hidden hidden size
     * @param heads  heads
     * @param seq    sequence length
     * @param vocab  vocabulary
     * @return the shape
     */
    public static TransformerSpec gpt(String name, int layers, int hidden, int heads, int seq, int vocab) {
        return new TransformerSpec(name, layers, hidden, heads, heads, 4 * hidden, seq, vocab, false, true, true,
                false, Precision.BF16, null);
    }

    /**
     * @return a copy with flash attention switched as given
     * @param on whether to use flash attention
     */
    public TransformerSpec withFlashAttention(boolean on) {
        return new TransformerSpec(name, layers, hidden, heads, kvHeads, ffnHidden, seqLength, vocab, gatedFfn,
                learnedPositions, tiedEmbeddings, on, precision, moe);
    }

    /**
     * @param p compute precision
     * @return a copy with that precision
     */
    public TransformerSpec withPrecision(Precision p) {
        return new TransformerSpec(name, layers, hidden, heads, kvHeads, ffnHidden, seqLength, vocab, gatedFfn,
                learnedPositions, tiedEmbeddings, flashAttention, p, moe);
    }

    /**
     * @return a copy with this sequence length
     * @param seq tokens per sample
     */
    public TransformerSpec withSeqLength(int seq) {
        return new TransformerSpec(name, layers, hidden, heads, kvHeads, ffnHidden, seq, vocab, gatedFfn,
                learnedPositions, tiedEmbeddings, flashAttention, precision, moe);
    }

    /**
     * @return the greatest tensor-parallel size divisor: {@code gcd(heads, kvHeads, ffnHidden)}
     */
    public int tensorParallelDivisor() {
        int g = gcd(heads, kvHeads);
        g = gcd(g, ffnHidden);
        if (moe != null) {
            g = gcd(g, moe.expertFfnHidden());
        }
        return g;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * @return whether layer {@code i} (0-based) is a mixture-of-experts layer
     * @param i layer index
     */
    public boolean isMoeLayer(int i) {
        return moe != null && i % moe.every() == moe.every() - 1;
    }

    /**
     * @return the per-layer model
     */
    public ModelSpec toModel() {
        double s = seqLength;
        double h = hidden;
        double e = precision.activationBytes();
        double e2 = e / 2;
        double kvRatio = (double) kvHeads / heads;
        double mats = gatedFfn ? 3 : 2;
        List<LayerSpec> list = new ArrayList<>(layers + 2);

        double embParams = (double) vocab * h + (learnedPositions ? s * h : 0);
        list.add(LayerSpec.builder("embedding", LayerRole.EMBEDDING).parameters(embParams).tensorParallel(true)
                .activations((2 * e2 + 1) * s * h, 0, 0, 0).tpAllReduces(1, e * s * h).recomputable(false).build());

        double attnMatmul = 2 * s * h * (h + 2 * h * kvRatio) + 2 * s * h * h;
        double attnParams = h * (h + 2 * h * kvRatio) + h * h + (h + 2 * h * kvRatio) + h;
        double lnParams = 4 * h;
        double attnFlops = 4 * s * s * h;
        double attnSplit = e2 * (2 * s * h + 4 * s * h * kvRatio + 2 * s * h);
        double scores = flashAttention ? 0 : (4 * e2 + 1) * heads * s * s;
        double replicated = (8 * e2 + 2) * s * h;
        Gemm qkv = new Gemm(s, h, h + 2 * h * kvRatio, false, false);
        Gemm proj = new Gemm(s, h, h, true, false);
        for (int i = 0; i < layers; i++) {
            LayerSpec.Builder b = LayerSpec.builder("layer " + i, LayerRole.BLOCK).tensorParallel(true)
                    .attentionFlops(attnFlops).tpAllReduces(2, e * s * h);
            if (isMoeLayer(i)) {
                double fe = moe.expertFfnHidden();
                double router = 2 * s * h * moe.experts();
                b.matmulFlops(attnMatmul + router)
                        .expertFlops(2 * s * h * fe * mats * moe.topK())
                        .parameters(attnParams + lnParams + h * moe.experts())
                        .expertParameters(moe.experts() * (mats * h * fe + fe * (gatedFfn ? 2 : 1) + h))
                        .activations(replicated + e * s * h * moe.topK(),
                                attnSplit + e2 * 2 * s * fe * (gatedFfn ? 3 : 2) * moe.topK(), scores, e * s * h)
                        .allToAlls(2, e * s * h * moe.topK());
                double perExpert = s * moe.topK() / moe.experts();
                b.gemms(List.of(qkv, proj, new Gemm(perExpert, h, fe * (gatedFfn ? 2 : 1), false, true),
                        new Gemm(perExpert, fe, h, true, true)));
            } else {
                double f = ffnHidden;
                b.matmulFlops(attnMatmul + 2 * s * h * f * mats)
                        .parameters(attnParams + lnParams + mats * h * f + f * (gatedFfn ? 2 : 1) + h)
                        .activations(replicated, attnSplit + e2 * 2 * s * f * (gatedFfn ? 3 : 2), scores, e * s * h)
                        .gemms(List.of(qkv, proj, new Gemm(s, h, f * (gatedFfn ? 2 : 1), false, false),
                                new Gemm(s, f, h, true, false)));
            }
            list.add(b.build());
        }

        list.add(LayerSpec.builder("head", LayerRole.HEAD).matmulFlops(2 * s * h * vocab)
                .parameters((double) vocab * h + 2 * h).tensorParallel(true).tiedToEmbedding(tiedEmbeddings)
                .activations(2 * e * s * h, s * (double) vocab * (e + 4), 0, e * s * h)
                .tpAllReduces(1, e * s * h).recomputable(false).gemms(List.of(new Gemm(s, h, vocab, false, false)))
                .build());
        int experts = moe == null ? 0 : moe.experts();
        double imbalance = moe == null ? 1 : moe.imbalance();
        return new ModelSpec(name, seqLength, precision, list, tensorParallelDivisor(), experts, imbalance, this);
    }
}
