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

    /**
     * The exchange's two phases give what the paper's all-reduce gives when driven through FactorSharing, bit for bit
     * (with full participation the mean Q of phase 1 is the mean of the workers' Q that the earlier protocol
     * averaged at the start of the next round).
     */
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
            // by hand, as the exchange did before it sent Q in phase 1: the mean of the workers' Q (the previous
            // round's Q_w), the mean P, compress; the means as an all-reduce makes them (in double, worker order)
            List<float[]> qs = new ArrayList<>();
            for (CompressorState s : byHand) {
                qs.add(((FactorSharing) s).q());
            }
            float[] meanQ = RoundExchange.Reduction.MEAN.combine(qs);
            for (int m = 0; m < workers; m++) {
                ((FactorSharing) byHand[m]).setSharedQ(meanQ);
            }
            List<float[]> ps = new ArrayList<>();
            for (int m = 0; m < workers; m++) {
                ps.add(((FactorSharing) byHand[m]).localP(upd[m]));
            }
            float[] meanP = RoundExchange.Reduction.MEAN.combine(ps);
            float[] viaHand = new float[dim];
            for (int m = 0; m < workers; m++) {
                ((FactorSharing) byHand[m]).setSharedP(meanP);
                byHand[m].compress(upd[m]).addTo(viaHand, 1f / workers);
            }
            for (int i = 0; i < dim; i++) {
                assertEquals(viaHand[i], viaExchange[i], 0f, "round " + round + ", element " + i);
            }
            assertTrue(Math.abs(viaHand[0]) > 0);
        }
    }

    /**
     * The exchange sends what the paper's two all-reduces send (Vogels et al. 2019, Algorithm 1): phase 0 P
     * ({@code rows x rank}), phase 1 Q ({@code cols x rank}); the reply puts only the raw layer and the block headers
     * on the wire, counted by hand. The mean Q becomes the next round's warm start.
     */
    @Test
    void powerSgdExchangeSendsPThenQAndTheReplyOnlyTheRawLayer() {
        // Prepare: a 12 x 9 matrix (factored at rank 2) and a 4-vector (raw), three workers
        UpdateLayout layout = new UpdateLayout(new int[][] {{12, 9}, {4}});
        GradientCompressor c = Compressors.create(new PowerSgdConfig(2, true, null, true, null, true));
        CompressorState[] s = new CompressorState[3];
        for (int m = 0; m < 3; m++) {
            s[m] = c.newState(layout, new SplittableRandom(7 + m));
        }
        float[][] upd = {Unbiased.vector(112, 1), Unbiased.vector(112, 2), Unbiased.vector(112, 3)};

        // Execute: both phases, then compress
        List<List<float[]>> reports = new ArrayList<>();
        List<float[]> shared = new ArrayList<>();
        for (int phase = 0; phase < 2; phase++) {
            List<float[]> r = new ArrayList<>();
            for (int m = 0; m < 3; m++) {
                r.add(s[m].exchange().localStatistic(phase, upd[m]));
            }
            float[] combined = s[0].exchange().reduction(phase).combine(r);
            for (CompressorState st : s) {
                st.exchange().setShared(phase, combined);
            }
            reports.add(r);
            shared.add(combined);
        }
        LowRankUpdate u = (LowRankUpdate) s[1].compress(upd[1]);

        // Assert: 24 values of P, then 18 of Q a worker
        assertEquals(2 * 12, reports.get(0).get(1).length);
        assertEquals(2 * 9, reports.get(1).get(1).length);
        // the reply: header 12, block count 4, the factored block's type and shape 1 + 12, the raw block's type,
        // length and values 1 + 4 + 4 * 4
        assertEquals(12 + 4 + 13 + 21, u.wireBytes());
        assertEquals(2 * (12 + 9) + 4, u.elements(), "values sent: the P and Q reports and the raw layer");
        LowRankUpdate.Factored f = (LowRankUpdate.Factored) u.block(0);
        assertTrue(f.exchanged());
        assertArrayEquals(reports.get(1).get(1), f.q(), "the factor Q is the worker's phase-1 report");
        assertArrayEquals(shared.get(1), ((FactorSharing) s[1]).q(), "the mean Q is the next warm start");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpdateCodec.encode(u));
        assertTrue(e.getMessage().contains("round exchange"), e.getMessage());
        // the same state driven without the exchange: its reply carries P̂ and Q, 2 * (12 + 9) values more
        CompressorState plain = c.newState(layout, new SplittableRandom(7));
        ((FactorSharing) plain).setSharedP(shared.get(0));
        CompressedUpdate full = plain.compress(upd[1]);
        assertEquals(u.wireBytes() + 4L * 2 * (12 + 9), full.wireBytes());
        assertEquals(full.wireBytes(), UpdateCodec.encode(full).length);
        float[] a = u.toDense();
        float[] b = full.toDense();
        assertArrayEquals(b, a, 1e-6f, "the same decoded update");
        IllegalStateException order = assertThrows(IllegalStateException.class,
                () -> c.newState(layout, new SplittableRandom(1)).exchange().localStatistic(1, upd[0]));
        assertTrue(order.getMessage().contains("phase 1"), order.getMessage());
    }
}
