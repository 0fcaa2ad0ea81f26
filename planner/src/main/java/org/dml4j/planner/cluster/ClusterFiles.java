package org.dml4j.planner.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dml4j.planner.model.JsonFields;
import org.dml4j.planner.model.Precision;

/**
 * Reads cluster description files (JSON, {@code format-version} 1):
 *
 * <pre>{@code
 * { "format-version": 1, "name": "mixed-a100-h100",
 *   "gpu-types": [                                            // optional: new types or overrides of built-in ones
 *     { "name": "a100-80gb", "base": "a100-80gb", "efficiency": 0.55, "source": "our measurement" },
 *     { "name": "my-gpu", "peak-tflops": { "bf16": 200, "fp16": 200 }, "memory-gib": 48,
 *       "hbm-gb-per-s": 1000, "efficiency": 0.5 } ],
 *   "node-groups": [                                          // in rank order
 *     { "preset": "dgx-a100", "nodes": 16 },
 *     { "gpu": "h100-80gb", "nodes": 8, "gpus-per-node": 8,
 *       "intra-node-gb-per-s": 450, "intra-node-latency-us": 2,
 *       "inter-node-gb-per-s": 50, "inter-node-latency-us": 5 } ] }
 * }</pre>
 *
 * <p>Bandwidths are gigabytes (1e9 bytes) per second per GPU and direction; a node group's {@code preset} supplies
 * defaults for every key it does not give. GPU names are those of {@link GpuCatalog} or of {@code gpu-types}; an
 * unknown one is an error naming the key path and listing the known types. A GPU type's optional
 * {@code gemm-ridge-factor} (default: the base type's, else {@link GpuCatalog#GEMM_RIDGE_FACTOR}) makes small matrix
 * multiplications slower than large ones ({@link GpuType}).
 *
 * <p>Thread-safe (stateless).
 */
public final class ClusterFiles {
    /** The format version this reader understands. */
    public static final int CURRENT_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> ROOT_KEYS = Set.of("format-version", "name", "gpu-types", "node-groups");
    private static final Set<String> TYPE_KEYS = Set.of("name", "base", "peak-tflops", "memory-gib", "hbm-gb-per-s",
            "efficiency", "gemm-ridge-factor", "source");
    private static final Set<String> GROUP_KEYS = Set.of("preset", "gpu", "nodes", "gpus-per-node",
            "intra-node-gb-per-s", "intra-node-latency-us", "inter-node-gb-per-s", "inter-node-latency-us");
    private static final double GB = 1e9;
    private static final double US = 1e-6;
    private static final double GIB = 1024.0 * 1024 * 1024;

    private ClusterFiles() {
    }

    /**
     * Resolves a {@code --cluster} argument: a preset ({@code dgx-a100:64}) or a JSON file.
     *
     * @param presetOrFile the argument
     * @return the cluster
     */
    public static ClusterSpec resolve(String presetOrFile) {
        if (ClusterPresets.isPreset(presetOrFile)) {
            return ClusterPresets.get(presetOrFile);
        }
        Path p = Path.of(presetOrFile);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("cluster: '" + presetOrFile + "' is neither a preset (NAME:NODES with "
                    + "NAME one of " + String.join(", ", ClusterPresets.names()) + ") nor a file");
        }
        return read(p);
    }

    /**
     * @param file a cluster JSON file
     * @return the cluster
     * @throws UncheckedIOException     when the file cannot be read
     * @throws IllegalArgumentException naming the file, key path and value when the content is invalid
     */
    public static ClusterSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read cluster file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param json the file's content
     * @return the cluster
     * @throws IllegalArgumentException naming the key path and value when the content is invalid
     */
    public static ClusterSpec parse(String json) {
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
        f.rejectUnknown(ROOT_KEYS);
        String name = f.string("name", "cluster");
        Map<String, GpuType> types = new LinkedHashMap<>();
        if (f.has("gpu-types")) {
            for (JsonFields t : f.objects("gpu-types")) {
                GpuType g = gpuType(t, types);
                types.put(g.name().toLowerCase(Locale.ROOT), g);
            }
        }
        List<NodeGroup> groups = new ArrayList<>();
        for (JsonFields g : f.objects("node-groups")) {
            groups.add(group(g, types));
        }
        return new ClusterSpec(name, groups);
    }

    private static GpuType gpuType(JsonFields t, Map<String, GpuType> defined) {
        t.rejectUnknown(TYPE_KEYS);
        String name = t.requiredString("name");
        GpuType base = t.has("base") ? GpuCatalog.resolve(t.path("base"), t.requiredString("base"), defined) : null;
        Map<Precision, Double> peaks;
        JsonFields pk = t.object("peak-tflops");
        if (pk != null) {
            peaks = new EnumMap<>(Precision.class);
            for (String k : pk.keys()) {
                Precision p = Precision.parse(pk.path(k), k);
                peaks.put(p, pk.requiredDouble(k) * 1e12);
            }
        } else if (base != null) {
            peaks = base.peakFlops();
        } else {
            throw new IllegalArgumentException(t.path("peak-tflops") + " is required (or give a base type)");
        }
        double mem = t.has("memory-gib") ? t.requiredDouble("memory-gib") * GIB : need(base, t, "memory-gib")
                .memoryBytes();
        double hbm = t.has("hbm-gb-per-s") ? t.requiredDouble("hbm-gb-per-s") * GB : need(base, t, "hbm-gb-per-s")
                .hbmBytesPerS();
        double eff = t.has("efficiency") ? t.requiredDouble("efficiency") : need(base, t, "efficiency").efficiency();
        String source = t.string("source", t.has("efficiency") ? "cluster file" : base.source());
        double ridge = t.has("gemm-ridge-factor") ? t.requiredDouble("gemm-ridge-factor")
                : base != null ? base.gemmRidgeFactor() : GpuCatalog.GEMM_RIDGE_FACTOR;
        try {
            return new GpuType(name, peaks, mem, hbm, eff, source, ridge);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(t.where() + ": " + e.getMessage(), e);
        }
    }

    private static GpuType need(GpuType base, JsonFields t, String key) {
        if (base == null) {
            throw new IllegalArgumentException(t.path(key) + " is required (or give a base type)");
        }
        return base;
    }

    private static NodeGroup group(JsonFields g, Map<String, GpuType> types) {
        g.rejectUnknown(GROUP_KEYS);
        NodeGroup preset = g.has("preset") ? presetNode(g) : null;
        GpuType gpu;
        if (g.has("gpu")) {
            gpu = GpuCatalog.resolve(g.path("gpu"), g.requiredString("gpu"), types);
        } else if (preset != null) {
            GpuType p = preset.gpu();
            gpu = types.getOrDefault(p.name(), p);
        } else {
            throw new IllegalArgumentException(g.path("gpu") + " is required (or give a preset)");
        }
        int nodes = g.requiredInt("nodes");
        int perNode = preset == null ? g.requiredInt("gpus-per-node") : g.integer("gpus-per-node",
                preset.gpusPerNode());
        double intra = preset == null ? g.requiredDouble("intra-node-gb-per-s") * GB
                : g.number("intra-node-gb-per-s", preset.intraBandwidth() / GB) * GB;
        double intraLat = g.number("intra-node-latency-us", preset == null ? 2 : preset.intraLatency() / US) * US;
        double inter = preset == null ? g.requiredDouble("inter-node-gb-per-s") * GB
                : g.number("inter-node-gb-per-s", preset.interBandwidth() / GB) * GB;
        double interLat = g.number("inter-node-latency-us", preset == null ? 5 : preset.interLatency() / US) * US;
        try {
            return new NodeGroup(gpu, nodes, perNode, intra, intraLat, inter, interLat);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(g.where() + ": " + e.getMessage(), e);
        }
    }

    private static NodeGroup presetNode(JsonFields g) {
        try {
            return ClusterPresets.node(g.requiredString("preset"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(g.path("preset") + ": " + e.getMessage(), e);
        }
    }
}
