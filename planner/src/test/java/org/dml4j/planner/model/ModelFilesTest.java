package org.dml4j.planner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Model JSON files: both kinds, presets with overrides, and errors that name the key path and value. */
class ModelFilesTest {
    @Test
    void transformerFileEqualsThePreset() {
        // Prepare
        String json = """
                { "format-version": 1, "type": "transformer", "name": "megatron-7.5b", "layers": 36, "hidden": 4096,
                  "heads": 32, "seq-length": 2048, "vocab": 51200 }""";

        // Execute
        ModelSpec m = ModelFiles.parse(json);

        // Assert
        assertEquals(ModelPresets.get("megatron-7.5b"), m);
    }

    @Test
    void presetWithOverrides() {
        // Execute
        ModelSpec m = ModelFiles.parse("""
                { "format-version": 1, "type": "transformer", "preset": "llama2-7b", "name": "llama2-7b-8k",
                  "seq-length": 8192, "moe": { "experts": 8, "top-k": 2 } }""");

        // Assert
        assertEquals("llama2-7b-8k", m.name());
        assertEquals(8192, m.seqLength());
        assertEquals(8, m.experts());
        assertEquals(11008, m.transformer().moe().expertFfnHidden());
    }

    @Test
    void genericLayerList() {
        // Execute
        ModelSpec m = ModelFiles.parse("""
                { "format-version": 1, "type": "layers", "name": "resnet-ish", "tp-divisor": 4,
                  "layers": [
                    { "name": "stem", "role": "embedding", "forward-flops": 1e9, "parameters": 1e4,
                      "activation-bytes": 4e6 },
                    { "name": "block", "count": 12, "forward-flops": 2e9, "parameters": 2e6,
                      "activation-bytes": 8e6, "input-bytes": 1e6, "tensor-parallel": true },
                    { "name": "fc", "role": "head", "forward-flops": 1e7, "parameters": 2e6,
                      "activation-bytes": 1e4 } ] }""");

        // Assert
        assertEquals(14, m.layers().size());
        assertEquals(12, m.blocks());
        assertEquals("block 3", m.layers().get(4).name());
        assertEquals(8e6, m.layers().get(1).splitActivationBytes());
        assertEquals(2, m.layers().get(1).tpAllReduces());
        assertEquals(1e4 + 12 * 2e6 + 2e6, m.parameterCount(), 1e-6);
    }

    @Test
    void errorsNameThePathAndValue() {
        // Execute
        IllegalArgumentException unknownKey = assertThrows(IllegalArgumentException.class, () -> ModelFiles.parse("""
                { "format-version": 1, "type": "transformer", "name": "x", "layers": 2, "hidden": 64, "heads": 4,
                  "seq-length": 16, "vocab": 100, "hiden": 3 }"""));
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.parse("{ \"format-version\": 2, \"type\": \"layers\" }"));
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class, () -> ModelFiles.parse("""
                { "format-version": 1, "type": "transformer", "name": "x", "layers": 2, "hidden": 100, "heads": 3,
                  "seq-length": 16, "vocab": 100 }"""));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> ModelFiles.parse("""
                { "format-version": 1, "type": "layers", "name": "x",
                  "layers": [ { "forward-flops": -1, "parameters": 1, "activation-bytes": 1 } ] }"""));
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class, () -> ModelFiles.parse("""
                { "format-version": 1, "type": "layers", "name": "x",
                  "layers": [ { "role": "stem", "forward-flops": 1, "parameters": 1, "activation-bytes": 1 } ] }"""));

        // Assert
        assertTrue(unknownKey.getMessage().startsWith("hiden: unknown key"), unknownKey.getMessage());
        assertTrue(version.getMessage().contains("format-version: version 2"), version.getMessage());
        assertEquals("heads (3) must divide hidden (100) in model 'x'", heads.getMessage());
        assertTrue(negative.getMessage().contains("layers[0]") && negative.getMessage().contains("matmul-flops")
                && negative.getMessage().contains("-1"), negative.getMessage());
        assertTrue(role.getMessage().contains("layers[0].role") && role.getMessage().contains("'stem'"),
                role.getMessage());
    }
}
