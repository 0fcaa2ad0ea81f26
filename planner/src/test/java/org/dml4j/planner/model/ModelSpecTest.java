package org.dml4j.planner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Transformer shapes: parameter counts, FLOP counts and activation bytes against their published closed forms. */
class ModelSpecTest {
    @ParameterizedTest(name = "{0} has {1} B parameters")
    @CsvSource({"megatron-7.5b, 7.5", "megatron-39.1b, 39.1", "megatron-145.6b, 145.6", "megatron-529.6b, 529.6",
        "megatron-1t, 1008.0", "gpt3-175b, 175.0", "llama2-7b, 6.74", "llama2-70b, 69.0", "mixtral-8x7b, 46.7"})
    void parameterCountsMatchThePublishedSizes(String name, double billions) {
        // Execute
        double n = ModelPresets.get(name).parameterCount();

        // Assert
        assertEquals(billions, n / 1e9, billions * 0.02, name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"megatron-1.7b", "megatron-18.4b", "megatron-1t"})
    void flopsWithFullRecomputationEqualMegatronsFormula(String name) {
        // Prepare: 96 B s l h^2 (1 + s/(6h) + V/(16 l h)) per iteration of B samples (Narayanan et al., SC 2021)
        TransformerSpec t = ModelPresets.transformer(name);
        ModelSpec m = t.toModel();
        double s = t.seqLength();
        double h = t.hidden();
        double l = t.layers();
        double v = t.vocab();
        double expected = 96 * s * l * h * h * (1 + s / (6 * h) + v / (16 * l * h));

        // Execute: forward, recomputed forward and twice-as-expensive backward for blocks; 3x for the head
        double executed = 0;
        for (LayerSpec ls : m.layers()) {
            executed += (ls.recomputable() ? 4 : 3) * ls.forwardFlops();
        }

        // Assert
        assertEquals(expected, executed, expected * 1e-12);
    }

    @Test
    void activationBytesFollowKorthikanti() {
        // Prepare: sbh(34 + 5as/h) per layer and sample (b = 1), 10sh of it not split by tensor parallelism
        TransformerSpec t = ModelPresets.transformer("megatron-145.6b");
        LayerSpec layer = t.toModel().layers().get(1);
        double s = t.seqLength();
        double h = t.hidden();
        double a = t.heads();

        // Execute and assert
        assertEquals(s * h * (34 + 5 * a * s / h), layer.activationBytes(), 1e-6);
        assertEquals(10 * s * h, layer.replicatedActivationBytes(), 1e-6);
        assertEquals(24 * s * h, layer.splitActivationBytes(), 1e-6);
        assertEquals(2 * s * h, layer.inputBytes(), 1e-6);
        assertEquals(0, t.withFlashAttention(true).toModel().layers().get(1).attentionActivationBytes());
    }

    @Test
    void precisionChangesPeakLookupAndActivationBytes() {
        // Prepare
        ModelSpec bf16 = ModelPresets.get("megatron-1.7b");

        // Execute
        ModelSpec fp16 = bf16.withPrecision(Precision.FP16);
        ModelSpec fp32 = bf16.withPrecision(Precision.FP32);

        // Assert
        assertEquals(Precision.FP16, fp16.precision());
        assertEquals(bf16.layers(), fp16.layers());
        assertEquals(2 * bf16.layers().get(1).inputBytes(), fp32.layers().get(1).inputBytes(), 1e-6);
    }

    @Test
    void moeLayersCarryExpertsAndAllToAlls() {
        // Prepare
        ModelSpec m = ModelPresets.get("mixtral-8x7b");
        LayerSpec layer = m.layers().get(1);

        // Assert
        assertTrue(m.isMoe());
        assertEquals(8, m.experts());
        assertEquals(2, layer.allToAlls());
        assertEquals(2.0 * 4096 * 4096 * 2, layer.allToAllBytes(), 1e-6, "top-2 copies of s*h bf16 tokens");
        assertEquals(2 * 4096.0 * 4096 * 14336 * 3 * 2, layer.expertFlops(), 1e-3);
    }

    @Test
    void inconsistentShapesAreRejectedNamingFieldAndValue() {
        // Execute
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> TransformerSpec.gpt("bad", 24, 4000, 48, 2048, 51200));
        IllegalArgumentException kv = assertThrows(IllegalArgumentException.class,
                () -> new TransformerSpec("bad", 24, 4096, 32, 5, 16384, 2048, 51200, false, true, true, false,
                        Precision.BF16, null));
        IllegalArgumentException topk = assertThrows(IllegalArgumentException.class,
                () -> new MoeSpec(8, 9, 1024, 1, 1.0));
        IllegalArgumentException preset = assertThrows(IllegalArgumentException.class,
                () -> ModelPresets.get("gpt-5"));

        // Assert
        assertEquals("heads (48) must divide hidden (4000) in model 'bad'", heads.getMessage());
        assertTrue(kv.getMessage().contains("kv-heads (5)"), kv.getMessage());
        assertTrue(topk.getMessage().contains("top-k") && topk.getMessage().contains("9"), topk.getMessage());
        assertTrue(preset.getMessage().contains("'gpt-5'") && preset.getMessage().contains("megatron-1t"),
                preset.getMessage());
    }
}
