package org.dml4j.planner.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Built-in model shapes, looked up by name ({@code dml4j plan --model NAME}).
 *
 * <ul>
 *   <li>{@code megatron-1.7b} ... {@code megatron-1t}: the ten GPT models of Megatron-LM's weak-scaling table
 *       (Narayanan et al., SC 2021, Table 1): sequence 2048, vocabulary 51,200, FFN 4h, learned positions, tied
 *       embeddings, no flash attention, bf16. {@code megatron-1t} is the 1-trillion-parameter model (128 layers,
 *       hidden 25,600, 160 heads).</li>
 *   <li>{@code gpt3-175b}: GPT-3 (Brown et al., NeurIPS 2020), 96 layers, hidden 12,288, 96 heads.</li>
 *   <li>{@code llama2-7b}, {@code llama2-13b}, {@code llama2-70b} (Touvron et al., 2023) and {@code llama3-8b},
 *       {@code llama3-405b} (Dubey et al., "The Llama 3 Herd of Models", 2024): SwiGLU, rotary positions, untied
 *       embeddings, grouped-query attention where published, flash attention.</li>
 *   <li>{@code mixtral-8x7b} (Jiang et al., "Mixtral of Experts", 2024): 8 experts, top-2, every layer; expert
 *       imbalance 1.2 assumed.</li>
 * </ul>
 *
 * <p>Thread-safe (immutable table).
 */
public final class ModelPresets {
    private static final Map<String, TransformerSpec> PRESETS = build();

    private ModelPresets() {
    }

    private static Map<String, TransformerSpec> build() {
        Map<String, TransformerSpec> m = new LinkedHashMap<>();
        // Narayanan et al., SC 2021, Table 1: (params, heads, hidden, layers)
        gpt(m, "megatron-1.7b", 24, 2304, 24);
        gpt(m, "megatron-3.6b", 32, 3072, 30);
        gpt(m, "megatron-7.5b", 32, 4096, 36);
        gpt(m, "megatron-18.4b", 48, 6144, 40);
        gpt(m, "megatron-39.1b", 64, 8192, 48);
        gpt(m, "megatron-76.1b", 80, 10240, 60);
        gpt(m, "megatron-145.6b", 96, 12288, 80);
        gpt(m, "megatron-310.1b", 128, 16384, 96);
        gpt(m, "megatron-529.6b", 128, 20480, 105);
        gpt(m, "megatron-1t", 160, 25600, 128);
        gpt(m, "gpt3-175b", 96, 12288, 96);
        llama(m, "llama2-7b", 32, 4096, 32, 32, 11008, 4096, 32000);
        llama(m, "llama2-13b", 40, 5120, 40, 40, 13824, 4096, 32000);
        llama(m, "llama2-70b", 80, 8192, 64, 8, 28672, 4096, 32000);
        llama(m, "llama3-8b", 32, 4096, 32, 8, 14336, 8192, 128256);
        llama(m, "llama3-405b", 126, 16384, 128, 8, 53248, 8192, 128256);
        m.put("mixtral-8x7b", new TransformerSpec("mixtral-8x7b", 32, 4096, 32, 8, 14336, 4096, 32000, true, false,
                false, true, Precision.BF16, new MoeSpec(8, 2, 14336, 1, 1.2)));
        return Collections.unmodifiableMap(m);
    }

    private static void gpt(Map<String, TransformerSpec> m, String name, int heads, int hidden, int layers) {
        m.put(name, TransformerSpec.gpt(name, layers, hidden, heads, 2048, 51200));
    }

    private static void llama(Map<String, TransformerSpec> m, String name, int layers, int hidden, int heads,
                              int kvHeads, int ffn, int seq, int vocab) {
        m.put(name, new TransformerSpec(name, layers, hidden, heads, kvHeads, ffn, seq, vocab, true, false, false,
                true, Precision.BF16, null));
    }

    /**
     * @return the preset names in table order
     */
    public static List<String> names() {
        return new ArrayList<>(PRESETS.keySet());
    }

    /**
     * @param name a preset name (case-insensitive)
     * @return whether it exists
     */
    public static boolean exists(String name) {
        return name != null && PRESETS.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /**
     * @param name a preset name (case-insensitive)
     * @return the transformer shape
     * @throws IllegalArgumentException listing the known names when {@code name} is unknown
     */
    public static TransformerSpec transformer(String name) {
        TransformerSpec t = name == null ? null : PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException("model: unknown preset '" + name + "'; known: "
                    + String.join(", ", PRESETS.keySet()) + " (or give a JSON file)");
        }
        return t;
    }

    /**
     * @param name a preset name (case-insensitive)
     * @return the per-layer model
     */
    public static ModelSpec get(String name) {
        return transformer(name).toModel();
    }
}
