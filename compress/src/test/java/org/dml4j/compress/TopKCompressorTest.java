package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TopKCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "topk";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("ratio", 0.05, "per-layer", true);
    }

    /** Reference: sort indices by (|v| descending, index ascending), keep k, return them in index order. */
    static int[] reference(float[] v, int off, int n, int k) {
        Integer[] order = IntStream.range(off, off + n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingInt(i -> -TopKSelector.bits(v[i])).thenComparingInt(i -> i));
        int[] top = new int[k];
        for (int i = 0; i < k; i++) {
            top[i] = order[i];
        }
        Arrays.sort(top);
        return top;
    }

    static void assertExactTopK(float[] v, int k) {
        SparseUpdate u = (SparseUpdate) new TopKCompressor(TopKConfig.ofK(k)).newState(v.length,
                new SplittableRandom(1)).compress(v);
        assertEquals(k, u.nnz());
        assertArrayEquals(reference(v, 0, v.length, k), u.indices());
        for (int i = 0; i < k; i++) {
            assertEquals(v[u.index(i)], u.value(i));
        }
    }

    @Provide
    Arbitrary<float[]> tiedVectors() {
        Arbitrary<Float> values = Arbitraries.oneOf(
                Arbitraries.of(0f, -0f, 1f, -1f, 2f, -2f, 0.5f),
                Arbitraries.floats().between(-1000f, 1000f));
        return values.array(float[].class).ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 200)
    void keepsExactlyTheKLargestMagnitudesWithLowerIndexTieBreak(@ForAll("tiedVectors") float[] v,
            @ForAll @IntRange(min = 1, max = 300) int kRaw) {
        assertExactTopK(v, 1 + (kRaw - 1) % v.length);
    }

    @Property(tries = 12)
    void sampledAndRadixPathsAreExactOnLargeVectors(@ForAll @IntRange(min = 0, max = 1000) int seed,
            @ForAll @IntRange(min = 1, max = 4000) int kRaw) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 5000 + r.nextInt(30000);
        float[] v = new float[n];
        int mode = seed % 3;
        for (int i = 0; i < n; i++) {
            v[i] = switch (mode) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> r.nextInt(4) - 2;
                default -> r.nextInt(50) == 0 ? (float) r.nextGaussian() : 0f;
            };
        }
        int k = seed % 2 == 0 ? Math.max(1, n / 100) : 1 + kRaw * 3 % n;
        assertExactTopK(v, k);
    }

    @Test
    void exactOnAllEqualAndAllZeroVectors() {
        float[] zeros = new float[20000];
        assertExactTopK(zeros, 200);
        float[] ones = new float[20000];
        Arrays.fill(ones, -3f);
        ones[7] = 3f;
        assertExactTopK(ones, 150);
        assertExactTopK(ones, 15000);
    }

    @Test
    void perLayerTakesCeilOfRatioInEveryLayer() {
        // Prepare
        UpdateLayout layout = UpdateLayout.ofSizes(10, 101, 3);
        CompressorState s = new TopKCompressor(new TopKConfig(0.1, null, true, null, false, null))
                .newState(layout, new SplittableRandom(1));
        float[] v = new float[114];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        // Execute
        SparseUpdate u = (SparseUpdate) s.compress(v);
        // Assert: 1 + 11 + 1 entries, the largest of every layer
        assertArrayEquals(new int[] {9, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 113}, u.indices());
    }

    @Test
    void setRatioChangesK() {
        CompressorState s = new TopKCompressor(TopKConfig.ofRatio(0.5)).newState(100, new SplittableRandom(1));
        assertEquals(50, s.compress(new float[100]).elements());
        s.setRatio(0.01);
        assertEquals(1, s.compress(new float[100]).elements());
        assertThrows(IllegalArgumentException.class, () -> s.setRatio(0));
        assertThrows(IllegalArgumentException.class, () -> s.setRatio(1.01));
        assertThrows(UnsupportedOperationException.class, () -> s.setThreshold(1));
    }

    @Test
    void fp16ValuesAreRoundedAndHalveTheValueBytes() {
        float[] v = {0.1f, 5f, -7.3f, 0f};
        CompressedUpdate u = Compressors.create("topk", Map.of("k", 2, "values", "fp16"))
                .newState(4, new SplittableRandom(1)).compress(v);
        assertArrayEquals(new float[] {0, Float.float16ToFloat(Float.floatToFloat16(5f)),
            Float.float16ToFloat(Float.floatToFloat16(-7.3f)), 0}, u.toDense());
        assertEquals(UpdateCodec.HEADER_BYTES + 4 + 1 + 2 * 2, u.wireBytes(), "header, count, 1-byte bitmap, 2 fp16 values");
    }

    @Test
    void badConfigurationsFailNamingTheField() {
        assertEquals("ratio must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> TopKConfig.ofRatio(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TopKConfig.ofRatio(1.5));
        assertThrows(IllegalArgumentException.class, () -> TopKConfig.ofRatio(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new TopKConfig(0.1, 3, false, null, false, null));
        assertThrows(IllegalArgumentException.class, () -> new TopKConfig(null, null, false, null, false, null));
        assertThrows(IllegalArgumentException.class, () -> TopKConfig.ofK(0));
        assertThrows(IllegalArgumentException.class, () -> new TopKConfig(0.1, null, false, null, false, "fp8"));
        assertThrows(IllegalArgumentException.class, () -> new TopKConfig(0.1, null, false, new int[] {3, 0},
                false, null));
        IllegalArgumentException kTooLarge = assertThrows(IllegalArgumentException.class,
                () -> new TopKCompressor(TopKConfig.ofK(11)).newState(10, new SplittableRandom(1)));
        assertEquals("topk: k = 11 is larger than dim 10", kTooLarge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TopKCompressor(
                new TopKConfig(0.1, null, false, new int[] {3, 4}, false, null)).newState(8, new SplittableRandom(1)));
    }
}
