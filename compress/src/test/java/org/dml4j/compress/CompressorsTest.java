package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompressorsTest {
    @Test
    void everyTypeIsRegistered() {
        assertEquals(List.of("accordion", "bf16", "dgc", "fp16", "gamma-fedht", "identity", "powersgd", "qsgd",
                "randk", "sign", "terngrad", "threshold", "topk"), Compressors.names());
    }

    @Test
    void bindsKebabAndCamelCaseKeysAndIgnoresType() {
        TopKConfig a = Compressors.bind(TopKConfig.class, Map.of("type", "topk", "ratio", 0.01, "error-feedback",
                true, "segments", List.of(3, 4)));
        TopKConfig b = Compressors.bind(TopKConfig.class, Map.of("ratio", 0.01, "errorFeedback", true,
                "segments", new int[] {3, 4}));
        assertEquals(0.01, a.ratio());
        assertTrue(a.errorFeedback() && b.errorFeedback());
        assertArrayEquals(new int[] {3, 4}, a.segments());
        assertInstanceOf(ErrorFeedback.class, Compressors.create(a));
        PowerSgdConfig p = Compressors.bind(PowerSgdConfig.class, Map.of("rank", 4L, "shapes",
                List.of(List.of(2, 3), List.of(5))));
        assertEquals(4, p.rank());
        assertEquals(true, p.warmStart());
        assertArrayEquals(new int[] {2, 3}, p.shapes()[0]);
    }

    @Test
    void badTablesFailNamingTheKey() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Compressors.create("topk", Map.of("ratio", 0.1, "ratoi", 3)));
        assertTrue(unknown.getMessage().contains("ratoi") && unknown.getMessage().contains("error-feedback"),
                unknown.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> Compressors.create("topk", Map.of("ratio", true)));
        assertTrue(type.getMessage().startsWith("ratio must be a number"), type.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> Compressors.create("topk", Map.of("ratio", "0.01")));
        assertEquals("ratio must be a number, got \"0.01\"", text.getMessage());
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> Compressors.create("qsgd", Map.of("bucket-size", 8)));
        assertEquals("needs key 'levels' (an integer)", absent.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> Compressors.create("top-k", Map.of()));
        assertTrue(name.getMessage().contains("topk"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("qsgd", Map.of("levels", 3,
                "bucket-size", 1.5)));
        assertThrows(IllegalArgumentException.class, () -> CompressorProvider.REGISTRY.get("topk")
                .create(QsgdConfig.of(3, null)));
    }

    @Test
    void errorFeedbackWrapsOnceAndForwardsKnobs() {
        GradientCompressor c = ErrorFeedback.wrap(ErrorFeedback.wrap(new TopKCompressor(TopKConfig.ofRatio(0.5))));
        assertInstanceOf(TopKCompressor.class, ((ErrorFeedback) c).inner());
        CompressorState s = c.newState(10, new SplittableRandom(1));
        s.beginRound(3);
        s.setRatio(0.1);
        assertEquals(1, s.compress(new float[10]).elements());
        assertThrows(IllegalArgumentException.class, () -> s.beginRound(-1));
    }

    @Test
    void layoutsValidateAndDescribeLayers() {
        UpdateLayout l = new UpdateLayout(new int[][] {{2, 3}, {4}});
        assertEquals(10, l.dim());
        assertArrayEquals(new int[] {6, 4}, l.segmentSizes());
        assertEquals(l, UpdateLayout.ofSizes(6, 4).equals(l) ? l : new UpdateLayout(new int[][] {{2, 3}, {4}}));
        assertThrows(IllegalArgumentException.class, () -> new UpdateLayout(new int[][] {}));
        assertThrows(IllegalArgumentException.class, () -> new UpdateLayout(new int[][] {{2, -1}}));
    }
}
