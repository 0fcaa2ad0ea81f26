package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The round exchanges compressors ask for: their phases, reductions, and what they make the states do. */
class RoundExchangeTest {
    @Test
    void reductionsCombineByHand() {
        List<float[]> r = List.of(new float[] {1f, -2f, 0.5f}, new float[] {3f, -4f, 0.25f},
                new float[] {2f, 0f, 0f});
        assertArrayEquals(new float[] {3f, 0f, 0.5f}, RoundExchange.Reduction.MAX.combine(r));
        assertArrayEquals(new float[] {2f, -2f, 0.25f}, RoundExchange.Reduction.MEAN.combine(r));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoundExchange.Reduction.MAX.combine(List.of(new float[2], new float[3])));
        assertEquals("reports[1] has 3 values, expected 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoundExchange.Reduction.MEAN.combine(List.of()));
        e = assertThrows(IllegalArgumentException.class,
                () -> RoundExchange.Reduction.MEAN.combine(List.<float[]>of(new float[] {Float.NaN})));
        assertEquals("reports[0][0] must be finite, got NaN", e.getMessage());
    }

    @Test
    void ternGradAsksForTheMaximumScalerOnlyWhenConfigured() {
        // Prepare: worker A's bucket maxima are 2 and 1, worker B's 4 and 0.5 (with error feedback, residual 0)
        float[] a = {2f, -1f, 0.5f, 1f};
        float[] b = {-4f, 1f, 0.5f, -0.25f};
        assertNull(new TernGradCompressor(new TernGradConfig(null, 2, false, null, false)).newState(4,
                new SplittableRandom(1)).exchange());
        TernGradConfig cfg = new TernGradConfig(null, 2, false, null, false, true);
        CompressorState sa = Compressors.create(cfg).newState(4, new SplittableRandom(1));
        CompressorState sb = ErrorFeedback.wrap(new TernGradCompressor(cfg)).newState(4, new SplittableRandom(2));
        RoundExchange xa = sa.exchange();
        RoundExchange xb = sb.exchange();

        // Execute: the one phase
        assertEquals(1, xa.exchanges());
        assertEquals(RoundExchange.Reduction.MAX, xb.reduction(0));
        float[] shared = xa.reduction(0).combine(List.of(xa.localStatistic(0, a), xb.localStatistic(0, b)));
        xa.setShared(0, shared);
        xb.setShared(0, shared);

        // Assert
        assertArrayEquals(new float[] {4f, 1f}, shared);
        assertArrayEquals(shared, ((QuantizedUpdate) sa.compress(a)).scales());
        assertArrayEquals(shared, ((QuantizedUpdate) sb.compress(b)).scales());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> xa.localStatistic(1, a));
        assertEquals("phase must be in 0..0, got 1", e.getMessage());
    }

    @Test
    void ternGradSharedScalerFromAConfigTable() {
        CompressorConfig c = Compressors.bind(TernGradConfig.class, java.util.Map.of("shared-scaler", true,
                "bucket-size", 2));
        assertEquals(Boolean.TRUE, ((TernGradConfig) c).sharedScaler());
        assertEquals(Boolean.FALSE, TernGradConfig.unbiased().sharedScaler());
    }

    /** The exchange's two phases give what the paper's all-reduce gives when driven through FactorSharing. */
    @Test
    void powerSgdExchangeIsTheFactorSharingAllReduce() {
        int rows = 12;
        int cols = 9;
        int workers = 3;
        int dim = rows * cols + 4;
        UpdateLayout layout = new UpdateLayout(new int[][] {{rows, cols}, {4}});
        GradientCompressor c = Compressors.create(new PowerSgdConfig(2, true, null, true, null, true));
        CompressorState[] byExchange = new CompressorState[workers];
        CompressorState[] byHand = new CompressorState[workers];
        for (int m = 0; m < workers; m++) {
            byExchange[m] = c.newState(layout, new SplittableRandom(100 + m));
            byHand[m] = c.newState(layout, new SplittableRandom(100 + m));
        }
        assertNull(Compressors.create(PowerSgdConfig.of(2)).newState(layout, new SplittableRandom(1)).exchange());
        for (int round = 0; round < 3; round++) {
            float[][] upd = new float[workers][];
            for (int m = 0; m < workers; m++) {
                upd[m] = Unbiased.vector(dim, 10 * round + m);
            }
            // through the exchange
            for (int phase = 0; phase < 2; phase++) {
                List<float[]> reports = new ArrayList<>();
                for (CompressorState s : byExchange) {
                    reports.add(s.exchange().localStatistic(phase, upd[reports.size()]));
                }
                float[] combined = byExchange[0].exchange().reduction(phase).combine(reports);
                for (CompressorState s : byExchange) {
                    s.exchange().setShared(phase, combined);
                }
            }
            float[] viaExchange = new float[dim];
            for (int m = 0; m < workers; m++) {
                byExchange[m].compress(upd[m]).addTo(viaExchange, 1f / workers);
            }
            // by hand: mean Q (the previous round's), mean P, compress
            float[] meanQ = new float[((FactorSharing) byHand[0]).q().length];
            for (CompressorState s : byHand) {
                float[] q = ((FactorSharing) s).q();
                for (int i = 0; i < q.length; i++) {
                    meanQ[i] += q[i] / workers;
                }
            }
            float[] meanP = null;
            for (int m = 0; m < workers; m++) {
                ((FactorSharing) byHand[m]).setSharedQ(meanQ);
            }
            for (int m = 0; m < workers; m++) {
                float[] p = ((FactorSharing) byHand[m]).localP(upd[m]);
                if (meanP == null) {
                    meanP = new float[p.length];
                }
                for (int i = 0; i < p.length; i++) {
                    meanP[i] += p[i] / workers;
                }
            }
            float[] viaHand = new float[dim];
            for (int m = 0; m < workers; m++) {
                ((FactorSharing) byHand[m]).setSharedP(meanP);
                byHand[m].compress(upd[m]).addTo(viaHand, 1f / workers);
            }
            for (int i = 0; i < dim; i++) {
                assertEquals(viaHand[i], viaExchange[i], 1e-4, "round " + round + ", element " + i);
            }
            assertTrue(Math.abs(viaHand[0]) > 0);
        }
    }
}
