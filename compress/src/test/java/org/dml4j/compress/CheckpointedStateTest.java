package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.core.Snapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A state saved after some rounds and restored into a fresh one compresses exactly as the original goes on to. */
class CheckpointedStateTest {
    private static final int DIM = 257;

    private static GradientCompressor compressor(String spec) {
        return switch (spec) {
            case "identity" -> Compressors.create("identity", Map.of());
            case "fp16" -> Compressors.create("fp16", Map.of());
            case "topk+ef" -> ErrorFeedback.wrap(Compressors.create("topk", Map.of("ratio", 0.05)));
            case "randk+ef" -> ErrorFeedback.wrap(Compressors.create("randk", Map.of("ratio", 0.1)));
            case "qsgd" -> Compressors.create("qsgd", Map.of("levels", 4));
            case "sign+ef" -> ErrorFeedback.wrap(Compressors.create("sign", Map.of()));
            case "dgc" -> Compressors.create("dgc", Map.of("ratio", 0.05));
            case "threshold+ef" -> ErrorFeedback.wrap(Compressors.create("threshold", Map.of("threshold", 0.5)));
            case "powersgd" -> Compressors.create("powersgd", Map.of("rank", 2)); // error feedback by default
            case "powersgd-cold" -> Compressors.create("powersgd", Map.of("rank", 2, "warm-start", false));
            case "accordion" -> Compressors.create("accordion", Map.of("compressor", "topk", "conservative", 0.2,
                    "aggressive", 0.02, "error-feedback", true));
            case "terngrad" -> Compressors.create("terngrad", Map.of());
            default -> throw new IllegalArgumentException(spec);
        };
    }

    /** PowerSGD factors matrices: a 16 x 16 layer and a bias of 1 (257 values in all). */
    private static CompressorState newState(GradientCompressor c, String spec) {
        return spec.startsWith("powersgd") ? c.newState(new UpdateLayout(new int[][] {{16, 16}, {1}}),
                new SplittableRandom(7)) : c.newState(DIM, new SplittableRandom(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"identity", "fp16", "topk+ef", "randk+ef", "qsgd", "sign+ef", "dgc", "threshold+ef",
        "powersgd", "powersgd-cold", "accordion", "terngrad"})
    void aRestoredStateGoesOnExactlyAsTheSavedOne(String spec) {
        // Prepare: a state that has compressed three rounds (residual, level and generator have moved)
        GradientCompressor c = compressor(spec);
        CompressorState a = newState(c, spec);
        for (int r = 0; r < 3; r++) {
            a.beginRound(r);
            a.compress(Unbiased.vector(DIM, 10 + r));
        }
        if (spec.startsWith("topk") || spec.startsWith("randk")) {
            a.setRatio(0.2);
        }
        Snapshot saved = new Snapshot();
        a.save(saved.under("s"));
        // Execute: a fresh state from the same generator seed, restored
        CompressorState b = newState(c, spec);
        b.restore(saved.under("s"));
        // Assert: the next rounds are the same to the byte
        for (int r = 3; r < 6; r++) {
            a.beginRound(r);
            b.beginRound(r);
            float[] u = Unbiased.vector(DIM, 10 + r);
            assertArrayEquals(UpdateCodec.encode(a.compress(u)), UpdateCodec.encode(b.compress(u)), spec + " round " + r);
        }
        Snapshot again = new Snapshot();
        b.save(again.under("s"));
        Snapshot after = new Snapshot();
        a.save(after.under("s"));
        assertTrue(after.equals(again), "saving the restored state gives the same snapshot");
    }

    @Test
    void aCheckpointOfAnotherSeedIsRejectedAndStatesWithoutSaveSaySo() {
        GradientCompressor c = Compressors.create("randk", Map.of("ratio", 0.1));
        CompressorState a = c.newState(DIM, new SplittableRandom(7));
        a.compress(Unbiased.vector(DIM, 1));
        Snapshot saved = new Snapshot();
        a.save(saved);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.newState(DIM, new SplittableRandom(8)).restore(saved));
        assertTrue(e.getMessage().contains("another run"), e.getMessage());
        CompressorState custom = update -> DenseUpdate.wrap(update.clone(), ValueFormat.FP32);
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> custom.save(new Snapshot()));
        assertTrue(u.getMessage().contains("cannot be saved in a checkpoint"), u.getMessage());
    }
}
