package org.dml4j.planner.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Built-in node types, used as {@code NAME:NODES} ({@code dml4j plan --cluster dgx-a100:384}) or as the defaults of
 * a node group in a cluster file ({@code "preset": "dgx-a100"}). Link figures are the vendors' per-GPU,
 * per-direction numbers:
 *
 * <table>
 *   <caption>Node presets</caption>
 *   <tr><th>name</th><th>GPUs</th><th>inside a node</th><th>between nodes (per GPU)</th></tr>
 *   <tr><td>dgx-a100</td><td>8 x a100-80gb</td><td>NVLink 3 / NVSwitch, 300 GB/s</td>
 *       <td>HDR InfiniBand 200 Gb/s = 25 GB/s (the Selene nodes of Narayanan et al., SC 2021)</td></tr>
 *   <tr><td>dgx-a100-40gb</td><td>8 x a100-40gb</td><td>300 GB/s</td><td>25 GB/s</td></tr>
 *   <tr><td>dgx-h100</td><td>8 x h100-80gb</td><td>NVLink 4 / NVSwitch, 450 GB/s</td>
 *       <td>NDR InfiniBand 400 Gb/s = 50 GB/s</td></tr>
 *   <tr><td>dgx-h200</td><td>8 x h200-141gb</td><td>450 GB/s</td><td>50 GB/s</td></tr>
 *   <tr><td>dgx1-v100</td><td>8 x v100-32gb</td><td>NVLink 2 hybrid cube mesh, 150 GB/s</td>
 *       <td>4 x EDR 100 Gb/s per node = 6.25 GB/s</td></tr>
 *   <tr><td>pcie-l40s</td><td>8 x l40s-48gb</td><td>PCIe 4.0 x16, 25 GB/s effective</td>
 *       <td>400 Gb/s per node = 6.25 GB/s</td></tr>
 * </table>
 * Latencies: 2 us per hop inside a node, 5 us between nodes (typical NCCL small-message figures).
 *
 * <p>Thread-safe (immutable table).
 */
public final class ClusterPresets {
    private static final Map<String, NodeGroup> NODES = build();

    private ClusterPresets() {
    }

    private static Map<String, NodeGroup> build() {
        Map<String, NodeGroup> m = new LinkedHashMap<>();
        m.put("dgx-a100", node("a100-80gb", 300e9, 25e9));
        m.put("dgx-a100-40gb", node("a100-40gb", 300e9, 25e9));
        m.put("dgx-h100", node("h100-80gb", 450e9, 50e9));
        m.put("dgx-h200", node("h200-141gb", 450e9, 50e9));
        m.put("dgx1-v100", node("v100-32gb", 150e9, 6.25e9));
        m.put("pcie-l40s", node("l40s-48gb", 25e9, 6.25e9));
        return Collections.unmodifiableMap(m);
    }

    private static NodeGroup node(String gpu, double intra, double inter) {
        return new NodeGroup(GpuCatalog.get(gpu), 1, 8, intra, 2e-6, inter, 5e-6);
    }

    /**
     * @return the node preset names
     */
    public static List<String> names() {
        return new ArrayList<>(NODES.keySet());
    }

    /**
     * @param name a node preset name (case-insensitive)
     * @return one node of that preset
     * @throws IllegalArgumentException listing the known presets when unknown
     */
    public static NodeGroup node(String name) {
        NodeGroup g = name == null ? null : NODES.get(name.toLowerCase(Locale.ROOT));
        if (g == null) {
            throw new IllegalArgumentException("cluster: unknown node preset '" + name + "'; known: "
                    + String.join(", ", NODES.keySet()));
        }
        return g;
    }

    /**
     * @param spec {@code NAME} (one node) or {@code NAME:NODES}
     * @return whether it names a preset
     */
    public static boolean isPreset(String spec) {
        if (spec == null) {
            return false;
        }
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        return NODES.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /**
     * @param spec {@code NAME} (one node) or {@code NAME:NODES}, e.g. {@code dgx-a100:384}
     * @return the homogeneous cluster
     * @throws IllegalArgumentException when the name is unknown or the node count is not a positive integer
     */
    public static ClusterSpec get(String spec) {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        int nodes = 1;
        if (colon >= 0) {
            String n = spec.substring(colon + 1);
            try {
                nodes = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cluster: node count in '" + spec + "' must be an integer, got '"
                        + n + "'", e);
            }
            if (nodes < 1) {
                throw new IllegalArgumentException("cluster: node count in '" + spec + "' must be >= 1, got " + nodes);
            }
        }
        return ClusterSpec.of(name.toLowerCase(Locale.ROOT) + ":" + nodes, node(name).withNodes(nodes));
    }
}
