package org.dml4j.planner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dml4j.planner.model.Precision;
import org.junit.jupiter.api.Test;

/** Cluster files and presets: mixed GPU types, custom types, and errors naming the key path and value. */
class ClusterFilesTest {
    @Test
    void presetNameWithNodeCount() {
        // Execute
        ClusterSpec c = ClusterFiles.resolve("dgx-a100:384");

        // Assert
        assertEquals(3072, c.gpus());
        NodeGroup g = c.groups().get(0);
        assertEquals(312e12, g.gpu().peak(Precision.BF16));
        assertEquals(25e9, g.interBandwidth());
        assertEquals(300e9, g.intraBandwidth());
        assertEquals(GpuCatalog.A100_EFFICIENCY, g.gpu().efficiency());
    }

    @Test
    void mixedGroupsAndCustomTypes() {
        // Execute
        ClusterSpec c = ClusterFiles.parse("""
                { "format-version": 1, "name": "lab",
                  "gpu-types": [ { "name": "a100-80gb", "base": "a100-80gb", "efficiency": 0.55,
                                   "source": "measured" },
                                 { "name": "toy", "peak-tflops": { "bf16": 100 }, "memory-gib": 16,
                                   "hbm-gb-per-s": 500, "efficiency": 0.4 } ],
                  "node-groups": [ { "preset": "dgx-a100", "nodes": 2 },
                                   { "gpu": "toy", "nodes": 3, "gpus-per-node": 4, "intra-node-gb-per-s": 50,
                                     "inter-node-gb-per-s": 5 } ] }""");

        // Assert
        assertEquals(28, c.gpus());
        assertTrue(c.heterogeneous());
        assertEquals(0.55, c.groups().get(0).gpu().efficiency());
        assertEquals("measured", c.groups().get(0).gpu().source());
        assertEquals(100e12, c.groups().get(1).gpu().peak(Precision.BF16));
        assertEquals(1, c.groupOf(16));
        assertEquals(java.util.List.of(0, 1), c.groupsOf(8, 12));
        assertEquals(4, c.gpusPerNodeGcd());
    }

    @Test
    void gemmRidgeFactorIsReadAndABadOneIsNamed() {
        // Execute
        ClusterSpec c = ClusterFiles.parse("""
                { "format-version": 1, "name": "lab",
                  "gpu-types": [ { "name": "h100-80gb", "base": "h100-80gb", "gemm-ridge-factor": 2.5 } ],
                  "node-groups": [ { "preset": "dgx-h100", "nodes": 1 } ] }""");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterFiles.parse("""
                { "format-version": 1, "name": "lab",
                  "gpu-types": [ { "name": "h100-80gb", "base": "h100-80gb", "gemm-ridge-factor": -1 } ],
                  "node-groups": [ { "preset": "dgx-h100", "nodes": 1 } ] }"""));

        // Assert: 2.5 x the ridge intensity 989.4 TFLOP/s / 3.35 TB/s
        GpuType t = c.groups().get(0).gpu();
        assertEquals(2.5, t.gemmRidgeFactor());
        assertEquals(2.5 * 989.4e12 / 3.35e12, t.gemmHalfIntensity(Precision.BF16), 1e-9);
        assertEquals(GpuCatalog.GEMM_RIDGE_FACTOR, ClusterFiles.resolve("dgx-h100:1").groups().get(0).gpu()
                .gemmRidgeFactor());
        assertTrue(e.getMessage().contains("gemm-ridge-factor must be in [0, 100], got -1.0"), e.getMessage());
    }

    @Test
    void unknownGpuTypeNamesFieldAndValue() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterFiles.parse("""
                { "format-version": 1, "node-groups": [ { "gpu": "a100-90gb", "nodes": 1, "gpus-per-node": 8,
                  "intra-node-gb-per-s": 300, "inter-node-gb-per-s": 25 } ] }"""));

        // Assert
        assertTrue(e.getMessage().startsWith("node-groups[0].gpu: unknown GPU type 'a100-90gb'; known: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("h100-80gb"), e.getMessage());
    }

    @Test
    void otherErrors() {
        // Execute
        IllegalArgumentException preset = assertThrows(IllegalArgumentException.class,
                () -> ClusterPresets.get("dgx-a100:zero"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ClusterFiles.parse("""
                { "format-version": 1, "node-groups": [ { "gpu": "a100-80gb", "nodes": 1 } ] }"""));
        IllegalArgumentException eff = assertThrows(IllegalArgumentException.class, () -> ClusterFiles.parse("""
                { "format-version": 1, "gpu-types": [ { "name": "x", "base": "a100-80gb", "efficiency": 1.5 } ],
                  "node-groups": [ { "preset": "dgx-a100", "gpu": "x", "nodes": 1 } ] }"""));
        IllegalArgumentException v100 = assertThrows(IllegalArgumentException.class,
                () -> GpuCatalog.get("v100-32gb").peak(Precision.BF16));

        // Assert
        assertTrue(preset.getMessage().contains("'zero'"), preset.getMessage());
        assertEquals("node-groups[0].gpus-per-node is required", missing.getMessage());
        assertTrue(eff.getMessage().contains("gpu-types[0]") && eff.getMessage().contains("1.5"), eff.getMessage());
        assertTrue(v100.getMessage().contains("v100-32gb") && v100.getMessage().contains("bf16"), v100.getMessage());
    }
}
