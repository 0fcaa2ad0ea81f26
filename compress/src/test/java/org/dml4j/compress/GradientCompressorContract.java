package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link GradientCompressor} passes: shapes, determinism, exact wire size, codec round
 * trip, rejection of bad input without corrupting the state, fuzzed bytes, and error-feedback mass conservation.
 * A compressor's test extends it and names the type and options; compressors written outside this module can use it
 * through the test-jar.
 */
public abstract class GradientCompressorContract {
    /** @return the registered type name */
    protected abstract String type();

    /** @return the config table the compressor under test is built from */
    protected abstract Map<String, Object> options();

    /** @return the vector length used by the suite (non-power-of-two by default) */
    protected int dim() {
        return 1037;
    }

    /** @return a layout of {@link #dim()} elements in several layers, for {@code newState(UpdateLayout, rng)} */
    protected UpdateLayout layout() {
        return new UpdateLayout(new int[][] {{20, 30}, {30}, {7, 5, 3, 3}, {dim() - 600 - 30 - 315}});
    }

    /** @return the compressor under test */
    protected GradientCompressor compressor() {
        return Compressors.create(type(), options());
    }

    /** @return a fresh state with a fixed seed */
    protected CompressorState state(GradientCompressor c, long seed) {
        return c.newState(dim(), new SplittableRandom(seed));
    }

    /** @return a reproducible test vector with a spread of magnitudes and some exact zeros */
    protected float[] vector(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[dim()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(10) == 0 ? 0f : (float) (r.nextGaussian() * Math.exp(r.nextGaussian()));
        }
        return v;
    }

    static float[] decode(CompressedUpdate u) {
        return u.toDense();
    }

    @Test
    void isRegisteredUnderItsName() {
        // Prepare / Execute
        CompressorProvider p = CompressorProvider.REGISTRY.get(type());
        GradientCompressor c = compressor();
        // Assert
        assertEquals(type(), p.name());
        assertEquals(type(), c.name());
        assertTrue(Compressors.names().contains(type()));
    }

    @Test
    void compressesToTheRightDimensionWithoutTouchingTheInput() {
        // Prepare
        float[] v = vector(1);
        float[] copy = v.clone();
        // Execute
        CompressedUpdate u = state(compressor(), 7).compress(v);
        // Assert
        assertArrayEquals(copy, v);
        assertEquals(dim(), u.dim());
        assertTrue(u.elements() >= 0 && u.elements() <= 2L * dim(), "elements " + u.elements());
        float[] d = decode(u);
        for (float x : d) {
            assertTrue(Float.isFinite(x));
        }
    }

    @Test
    void wireBytesIsTheEncodedLengthAndTheCodecRoundTrips() {
        CompressorState s = state(compressor(), 3);
        for (int round = 0; round < 3; round++) {
            // Prepare
            CompressedUpdate u = s.compress(vector(10 + round));
            // Execute
            byte[] bytes = UpdateCodec.encode(u);
            CompressedUpdate back = UpdateCodec.decode(bytes, dim());
            // Assert
            assertEquals(u.wireBytes(), bytes.length);
            assertEquals(u.wireBytes(), back.wireBytes());
            assertEquals(u.elements(), back.elements());
            assertArrayEquals(decode(u), decode(back));
            assertArrayEquals(bytes, UpdateCodec.encode(back));
        }
    }

    @Test
    void sameSeedSameBytes() {
        CompressorState a = state(compressor(), 11);
        CompressorState b = state(compressor(), 11);
        for (int round = 0; round < 3; round++) {
            float[] v = vector(20 + round);
            assertArrayEquals(UpdateCodec.encode(a.compress(v)), UpdateCodec.encode(b.compress(v)));
        }
    }

    @Test
    void addToAccumulatesWithWeightAndChecksLength() {
        // Prepare
        CompressedUpdate u = state(compressor(), 5).compress(vector(2));
        float[] once = decode(u);
        float[] acc = new float[dim()];
        Arrays.fill(acc, 1f);
        // Execute
        u.addTo(acc, 0.5f);
        // Assert
        for (int i = 0; i < dim(); i++) {
            assertEquals(1f + 0.5f * once[i], acc[i], 1e-5f * (1 + Math.abs(once[i])), "element " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> u.addTo(new float[dim() + 1], 1f));
    }

    @Test
    void zeroVectorDecodesToZero() {
        CompressedUpdate u = state(compressor(), 5).compress(new float[dim()]);
        for (float x : decode(u)) {
            assertEquals(0f, x, 0f);
        }
    }

    @Test
    void rejectsBadInputAndKeepsItsState() {
        GradientCompressor c = compressor();
        CompressorState s = state(c, 9);
        CompressorState fresh = state(c, 9);
        assertThrows(IllegalArgumentException.class, () -> s.compress(new float[dim() - 1]));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int at : new int[] {0, dim() / 2, dim() - 1}) {
                float[] v = vector(4);
                v[at] = bad;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.compress(v));
                assertNotNull(e.getMessage());
            }
        }
        float[] ok = vector(5);
        assertArrayEquals(UpdateCodec.encode(fresh.compress(ok)), UpdateCodec.encode(s.compress(ok)),
                "a rejected update must leave the state unchanged");
    }

    @Test
    void worksPerLayerWithALayout() {
        UpdateLayout layout = layout();
        assertEquals(dim(), layout.dim());
        CompressorState s = compressor().newState(layout, new SplittableRandom(3));
        CompressedUpdate u = s.compress(vector(6));
        assertEquals(dim(), u.dim());
        assertEquals(u.wireBytes(), UpdateCodec.encode(u).length);
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] bytes = UpdateCodec.encode(state(compressor(), 2).compress(vector(8)));
        int step = Math.max(1, bytes.length / 300);
        for (int len = 0; len < bytes.length; len += step) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(cut, dim()), "length " + len);
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(longer, dim()));
        assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(bytes, dim() - 1));
    }

    @Property(tries = 60)
    void corruptedBytesOnlyEverFailAsMalformed(@ForAll @IntRange(min = 0, max = 1 << 20) int seed) {
        byte[] bytes = UpdateCodec.encode(state(compressor(), seed % 5).compress(vector(seed % 3)));
        SplittableRandom r = new SplittableRandom(seed);
        int flips = 1 + r.nextInt(4);
        for (int f = 0; f < flips; f++) {
            bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
        }
        try {
            CompressedUpdate u = UpdateCodec.decode(bytes, dim());
            assertEquals(bytes.length, u.wireBytes());
            decode(u);
        } catch (MalformedUpdateException expected) {
            assertNotNull(expected.getMessage());
        } catch (RuntimeException e) {
            fail("decoder threw " + e, e);
        }
    }

    @Property(tries = 25)
    void errorFeedbackConservesMass(@ForAll @IntRange(min = 0, max = 1 << 20) int seed) {
        // Prepare
        ErrorFeedback.State s = (ErrorFeedback.State) ErrorFeedback.wrap(compressor())
                .newState(dim(), new SplittableRandom(seed));
        for (int round = 0; round < 3; round++) {
            float[] g = vector(seed * 31L + round);
            float[] before = s.residual();
            // Execute
            float[] decoded = decode(s.compress(g));
            float[] after = s.residual();
            // Assert: decoded + new residual == update + old residual, within float rounding (low-rank decoding
            // sums r products per element, so allow rounding at the scale of the vector too)
            float scale = 0;
            for (int i = 0; i < dim(); i++) {
                scale = Math.max(scale, Math.abs(g[i] + before[i]));
            }
            for (int i = 0; i < dim(); i++) {
                float want = g[i] + before[i];
                float got = decoded[i] + after[i];
                float tol = 4 * Math.ulp(Math.abs(want) + Math.abs(decoded[i]) + Math.abs(after[i]))
                        + 4 * Math.ulp(scale);
                assertEquals(want, got, tol, "round " + round + " element " + i);
            }
        }
    }
}
