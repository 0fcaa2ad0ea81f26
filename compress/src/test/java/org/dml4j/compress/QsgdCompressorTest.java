package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QsgdCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "qsgd";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("levels", 7, "bucket-size", 128);
    }

    @Test
    void isUnbiased() {
        float[] x = Unbiased.vector(40, 1);
        int s = 3;
        Unbiased.check(new QsgdCompressor(QsgdConfig.of(s, null)), x, 6000, Unbiased.norm(x) / (2.0 * s));
    }

    @Test
    void bucketedIsUnbiasedToo() {
        float[] x = Unbiased.vector(45, 2);
        Unbiased.check(new QsgdCompressor(QsgdConfig.of(1, 16)), x, 6000, Unbiased.norm(x) / 2);
    }

    @Test
    void codesStayWithinTheLevelsAndScalesAreBucketNorms() {
        float[] x = Unbiased.vector(300, 3);
        QuantizedUpdate u = (QuantizedUpdate) new QsgdCompressor(QsgdConfig.of(7, 100))
                .newState(300, new SplittableRandom(1)).compress(x);
        assertEquals(4, u.bitsPerCode());
        assertEquals(3, u.scales().length);
        for (int i = 0; i < 300; i++) {
            assertTrue(Math.abs(u.code(i)) <= 7);
            assertTrue(u.code(i) == 0 || Integer.signum(u.code(i)) == (int) Math.signum(x[i]));
        }
        assertEquals(Unbiased.norm(java.util.Arrays.copyOfRange(x, 100, 200)), u.scales()[1], 1e-5);
        long elias = (u.eliasBits() + 7) / 8;
        assertEquals(elias < 150 ? QuantizedUpdate.Coding.ELIAS_GAMMA : QuantizedUpdate.Coding.FIXED, u.coding());
        assertEquals(12 + 2 + 4 + 4 + 4 + 12 + Math.min(150, elias), u.wireBytes());
    }

    /**
     * The expected-bits bound of Alistarh et al. (QSGD, Theorem 3.4 / Lemma A.5, o(1) term dropped) for one bucket
     * of n elements at s levels: {@code (3 + 1.5 log2(2(s^2 + n) / (s(s + sqrt n)))) s(s + sqrt n) + 32}.
     */
    static double paperBoundBits(int n, int s) {
        double nnz = s * (s + Math.sqrt(n));
        return (3 + 1.5 * Math.log(2 * ((double) s * s + n) / nnz) / Math.log(2)) * nnz + 32;
    }

    @Test
    void eliasCodingIsChosenAtOneLevelAndMeetsThePapersBound() {
        int n = 1_000_000;
        float[] x = new float[n];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        QuantizedUpdate u = (QuantizedUpdate) new QsgdCompressor(QsgdConfig.of(1, null))
                .newState(n, new SplittableRandom(1)).compress(x);
        assertEquals(QuantizedUpdate.Coding.ELIAS_GAMMA, u.coding());
        double bound = paperBoundBits(n, 1) / 8;
        // ~2.0-2.1 kB (0.82-0.86 of the bound on Gaussian updates) instead of the 250 kB of 2-bit codes
        assertTrue(u.wireBytes() <= 1.05 * bound && u.wireBytes() >= 0.5 * bound, u.wireBytes() + " bytes, bound "
                + bound);
        byte[] bytes = UpdateCodec.encode(u);
        assertEquals(u.wireBytes(), bytes.length);
        QuantizedUpdate back = (QuantizedUpdate) UpdateCodec.decode(bytes, n);
        assertEquals(QuantizedUpdate.Coding.ELIAS_GAMMA, back.coding());
        for (int i = 0; i < n; i++) {
            assertEquals(u.code(i), back.code(i));
        }
        assertArrayEquals(u.toDense(), back.toDense());
        assertArrayEquals(bytes, UpdateCodec.encode(back));
    }

    @Test
    void eliasGoldenBytes() {
        // 40 ternary codes, +1 at index 1 and -1 at index 4: gamma(nnz + 1 = 3) = 011, gap 2 = 010, sign 0, level 1 =
        // 1, gap 3 = 011, sign 1, level 1 = 1: 13 bits, written least significant bit first: 0x96 0x1E. Fixed 2-bit
        // codes would take 10 bytes.
        byte[] codes = new byte[40];
        codes[1] = 1;
        codes[4] = -1;
        QuantizedUpdate u = new QuantizedUpdate(QuantizedUpdate.Scheme.SYMMETRIC, 1, new int[] {40}, 40,
                new float[] {2f}, codes);
        String want = "444d4c5502030001" + "28000000" + "0100" + "28000000" + "01000000" + "28000000" + "00000040"
                + "961e";
        assertEquals(want, HexFormat.of().formatHex(UpdateCodec.encode(u)));
        QuantizedUpdate back = (QuantizedUpdate) UpdateCodec.decode(HexFormat.of().parseHex(want), 40);
        float[] dense = new float[40];
        dense[1] = 2f;
        dense[4] = -2f;
        assertArrayEquals(dense, back.toDense());
        // the same codes with the fixed-width flag are not canonical; a level above 1 or a gap past dim is malformed
        for (String bad : new String[] {want.substring(0, 14) + "00" + want.substring(16),
            want.substring(0, want.length() - 4) + "961f", want.substring(0, want.length() - 4) + "96fe",
            want + "00"}) {
            assertThrows(MalformedUpdateException.class, () -> UpdateCodec.decode(HexFormat.of().parseHex(bad), 40),
                    bad);
        }
    }

    @Test
    void roundingNoiseIsIndependentAcrossCoordinates() {
        // 64 equal coordinates round up independently with p = s|x|/||x|| = 1/8 each: the variance of the sum of the
        // codes is then 64 p (1 - p) = 7. A correlated dither (e.g. a plain Weyl sequence) makes it far smaller.
        int n = 64;
        float[] x = new float[n];
        java.util.Arrays.fill(x, 0.3f);
        CompressorState s = new QsgdCompressor(QsgdConfig.of(1, null)).newState(n, new SplittableRandom(4));
        int calls = 4000;
        double sum = 0;
        double sumSq = 0;
        for (int c = 0; c < calls; c++) {
            QuantizedUpdate u = (QuantizedUpdate) s.compress(x);
            int codes = 0;
            for (int i = 0; i < n; i++) {
                codes += u.code(i);
            }
            sum += codes;
            sumSq += (double) codes * codes;
        }
        double mean = sum / calls;
        double var = sumSq / calls - mean * mean;
        assertEquals(8.0, mean, 0.15);
        assertEquals(1.0, var / 7.0, 0.1, "variance of the sum " + var + ", independent rounding gives 7");
    }

    @Test
    void badLevelsAndBucketsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> QsgdConfig.of(0, null));
        assertThrows(IllegalArgumentException.class, () -> QsgdConfig.of(128, null));
        assertThrows(IllegalArgumentException.class, () -> QsgdConfig.of(4, 0));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("qsgd", Map.of("levels", 2.5)));
    }
}
