package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(12 + 2 + 4 + 4 + 4 + 12 + 150, u.wireBytes());
    }

    @Test
    void badLevelsAndBucketsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> QsgdConfig.of(0, null));
        assertThrows(IllegalArgumentException.class, () -> QsgdConfig.of(128, null));
        assertThrows(IllegalArgumentException.class, () -> QsgdConfig.of(4, 0));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("qsgd", Map.of("levels", 2.5)));
    }
}
