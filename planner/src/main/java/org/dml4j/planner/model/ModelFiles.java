package org.dml4j.planner.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads model description files (JSON, {@code format-version} 1). Two kinds, chosen by {@code type}:
 *
 * <pre>{@code
 * { "format-version": 1, "type": "transformer", "name": "my-gpt",
 *   "preset": "megatron-7.5b",                        // optional base; the keys below override it
 *   "layers": 36, "hidden": 4096, "heads": 32, "kv-heads": 32, "ffn-hidden": 16384,
 *   "seq-length": 2048, "vocab": 51200, "gated-ffn": false, "learned-positions": true,
 *   "tied-embeddings": true, "flash-attention": false, "precision": "bf16",
 *   "moe": { "experts": 8, "top-k": 2, "expert-ffn-hidden": 14336, "every": 1, "imbalance": 1.2 } }
 *
 * { "format-version": 1, "type": "layers", "name": "my-net", "seq-length": 1, "precision": "bf16",
 *   "tp-divisor": 8, "experts": 0, "expert-imbalance": 1.0,
 *   "layers": [
 *     { "name": "stem", "role": "embedding", "forward-flops": 1e9, "parameters": 1e6, "activation-bytes": 4e6 },
 *     { "name": "block", "count": 24, "forward-flops": 2e11, "parameters": 5e7, "activation-bytes": 6e7,
 *       "input-bytes": 8e6, "tensor-parallel": true } ] }
 * }</pre>
 *
 * <p>Generic layer quantities are per sample (one input example of {@code seq-length} tokens) and per forward pass;
 * see {@link LayerSpec} for their meaning. Optional layer keys and defaults: {@code role} ("block"; or "embedding",
 * "head"), {@code count} (1), {@code attention-flops} (0), {@code expert-flops} (0), {@code expert-parameters} (0),
 * {@code attention-activation-bytes} (0), {@code input-bytes} (= {@code activation-bytes}: full recomputation then
 * saves nothing), {@code tensor-parallel} (false; when true, the activations count as split by tensor parallelism),
 * {@code tp-allreduces} (2 when tensor-parallel, else 0), {@code tp-allreduce-bytes} (= {@code input-bytes}),
 * {@code all-to-alls} (0), {@code all-to-all-bytes} (0), {@code recomputable} (true for blocks),
 * {@code tied-to-embedding} (false).
 *
 * <p>Errors name the key path and the value. Thread-safe (stateless).
 */
public final class ModelFiles {
    /** The format version this reader understands. */
    public static final int CURRENT_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TRANSFORMER_KEYS = Set.of("format-version", "type", "name", "preset", "layers",
            "hidden", "heads", "kv-heads", "ffn-hidden", "seq-length", "vocab", "gated-ffn", "learned-positions",
            "tied-embeddings", "flash-attention", "precision", "moe");
    private static final Set<String> MOE_KEYS = Set.of("experts", "top-k", "expert-ffn-hidden", "every", "imbalance");
    private static final Set<String> LAYERS_KEYS = Set.of("format-version", "type", "name", "seq-length",
            "precision", "tp-divisor", "experts", "expert-imbalance", "layers");
    private static final Set<String> LAYER_KEYS = Set.of("name", "role", "count", "forward-flops", "attention-flops",
            "expert-flops", "parameters", "expert-parameters", "activation-bytes", "attention-activation-bytes",
            "input-bytes", "tensor-parallel", "tp-allreduces", "tp-allreduce-bytes", "all-to-alls",
            "all-to-all-bytes", "recomputable", "tied-to-embedding");

    private ModelFiles() {
    }

    /**
     * Resolves a {@code --model} argument: a preset name, or else a JSON file.
     *
     * @param presetOrFile a preset name or a path
     * @return the model
     * @throws IllegalArgumentException when it is neither a preset nor a readable, valid file
     */
    public static ModelSpec resolve(String presetOrFile) {
        if (ModelPresets.exists(presetOrFile)) {
            return ModelPresets.get(presetOrFile);
        }
        Path p = Path.of(presetOrFile);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("model: '" + presetOrFile + "' is neither a preset nor a file; presets: "
                    + String.join(", ", ModelPresets.names()));
        }
        return read(p);
    }

    /**
     * @param file a model JSON file
     * @return the model
     * @throws UncheckedIOException     when the file cannot be read
     * @throws IllegalArgumentException naming the file, key path and value when the content is invalid
     */
    public static ModelSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read model file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param json the file's content
     * @return the model
     * @throws IllegalArgumentException naming the key path and value when the content is invalid
     */
    public static ModelSpec parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null) {
            throw new IllegalArgumentException("the file is empty");
        }
        JsonFields f = JsonFields.of(root, "");
        f.requireVersion(CURRENT_VERSION);
        String type = f.requiredString("type");
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "transformer" -> transformer(f).toModel();
            case "layers" -> layers(f);
            default -> throw new IllegalArgumentException("type: unknown model type '" + type + "'; known: transformer,"
                    + " layers");
        };
    }

    private static TransformerSpec transformer(JsonFields f) {
        f.rejectUnknown(TRANSFORMER_KEYS);
        TransformerSpec base = f.has("preset") ? ModelPresets.transformer(f.requiredString("preset")) : null;
        String name = f.string("name", base == null ? null : base.name());
        if (name == null) {
            throw new IllegalArgumentException("name is required");
        }
        int layers = base == null ? f.requiredInt("layers") : f.integer("layers", base.layers());
        int hidden = base == null ? f.requiredInt("hidden") : f.integer("hidden", base.hidden());
        int heads = base == null ? f.requiredInt("heads") : f.integer("heads", base.heads());
        int kv = f.integer("kv-heads", base == null ? heads : base.kvHeads());
        int ffn = f.integer("ffn-hidden", base == null ? 4 * hidden : base.ffnHidden());
        int seq = base == null ? f.requiredInt("seq-length") : f.integer("seq-length", base.seqLength());
        int vocab = base == null ? f.requiredInt("vocab") : f.integer("vocab", base.vocab());
        boolean gated = f.bool("gated-ffn", base != null && base.gatedFfn());
        boolean learned = f.bool("learned-positions", base == null || base.learnedPositions());
        boolean tied = f.bool("tied-embeddings", base == null || base.tiedEmbeddings());
        boolean flash = f.bool("flash-attention", base != null && base.flashAttention());
        Precision precision = f.has("precision") ? Precision.parse(f.path("precision"), f.requiredString("precision"))
                : base == null ? Precision.BF16 : base.precision();
        MoeSpec moe = base == null ? null : base.moe();
        JsonFields m = f.object("moe");
        if (m != null) {
            m.rejectUnknown(MOE_KEYS);
            moe = new MoeSpec(m.requiredInt("experts"), m.integer("top-k", 2),
                    m.integer("expert-ffn-hidden", ffn), m.integer("every", 1), m.number("imbalance", 1.2));
        }
        return new TransformerSpec(name, layers, hidden, heads, kv, ffn, seq, vocab, gated, learned, tied, flash,
                precision, moe);
    }

    private static ModelSpec layers(JsonFields f) {
        f.rejectUnknown(LAYERS_KEYS);
        String name = f.requiredString("name");
        int seq = f.integer("seq-length", 1);
        Precision precision = Precision.parse(f.path("precision"), f.string("precision", "bf16"));
        int tpDivisor = f.integer("tp-divisor", 1);
        int experts = f.integer("experts", 0);
        double imbalance = f.number("expert-imbalance", 1.0);
        List<LayerSpec> out = new ArrayList<>();
        for (JsonFields l : f.objects("layers")) {
            l.rejectUnknown(LAYER_KEYS);
            String lname = l.string("name", "layer " + out.size());
            String roleText = l.string("role", "block");
            LayerRole role;
            try {
                role = LayerRole.valueOf(roleText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(l.path("role") + ": unknown role '" + roleText + "'; known: "
                        + "embedding, block, head", e);
            }
            int count = l.integer("count", 1);
            if (count < 1) {
                throw new IllegalArgumentException(l.path("count") + " must be >= 1, got " + count);
            }
            boolean tp = l.bool("tensor-parallel", false);
            if (tp && tpDivisor == 1) {
                throw new IllegalArgumentException(l.path("tensor-parallel") + " is true but the model's tp-divisor is"
                        + " 1; set tp-divisor to the largest tensor-parallel size the layers allow");
            }
            double act = l.requiredDouble("activation-bytes");
            double input = l.number("input-bytes", act);
            LayerSpec.Builder b = LayerSpec.builder(lname, role)
                    .matmulFlops(l.requiredDouble("forward-flops"))
                    .attentionFlops(l.number("attention-flops", 0))
                    .expertFlops(l.number("expert-flops", 0))
                    .parameters(l.requiredDouble("parameters"))
                    .expertParameters(l.number("expert-parameters", 0))
                    .tensorParallel(tp)
                    .activations(tp ? 0 : act, tp ? act : 0, l.number("attention-activation-bytes", 0), input)
                    .tpAllReduces(l.integer("tp-allreduces", tp ? 2 : 0), l.number("tp-allreduce-bytes", input))
                    .allToAlls(l.integer("all-to-alls", 0), l.number("all-to-all-bytes", 0))
                    .recomputable(l.bool("recomputable", role == LayerRole.BLOCK))
                    .tiedToEmbedding(l.bool("tied-to-embedding", false));
            LayerSpec spec;
            try {
                spec = b.build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(l.where() + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < count; i++) {
                out.add(count == 1 ? spec : rename(spec, lname + " " + i));
            }
        }
        return new ModelSpec(name, seq, precision, out, tpDivisor, experts, imbalance, null);
    }

    private static LayerSpec rename(LayerSpec s, String name) {
        return new LayerSpec(name, s.role(), s.matmulFlops(), s.attentionFlops(), s.expertFlops(), s.parameters(),
                s.expertParameters(), s.tensorParallel(), s.replicatedActivationBytes(), s.splitActivationBytes(),
                s.attentionActivationBytes(), s.inputBytes(), s.tpAllReduces(), s.tpAllReduceBytes(), s.allToAlls(),
                s.allToAllBytes(), s.recomputable(), s.tiedToEmbedding(), s.gemms());
    }
}
