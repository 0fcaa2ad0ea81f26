package org.dml4j.fl.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressorProvider;
import org.dml4j.compress.Compressors;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.SeedTree;
import org.junit.jupiter.api.Test;

/** Pure averaging (no training): CHOCO gossip with a compressor still reaches consensus on the average. */
class ChocoGossipTest {
    private static final int N = 8;
    private static final int DIM = 40;

    private static GradientCompressor compressor(String type, Map<String, ?> options) {
        return Compressors.create(Compressors.bind(CompressorProvider.REGISTRY.get(type).configType(), options));
    }

    private static float[][] random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[N][DIM];
        for (float[] v : x) {
            for (int e = 0; e < DIM; e++) {
                v[e] = (float) r.nextGaussian();
            }
        }
        return x;
    }

    private static double[] mean(float[][] x) {
        double[] m = new double[DIM];
        for (float[] v : x) {
            for (int e = 0; e < DIM; e++) {
                m[e] += v[e] / (double) N;
            }
        }
        return m;
    }

    private static double consensusError(float[][] x) {
        double[] m = mean(x);
        double s = 0;
        for (float[] v : x) {
            for (int e = 0; e < DIM; e++) {
                s += (v[e] - m[e]) * (v[e] - m[e]);
            }
        }
        return s;
    }

    @Test
    void identityWithStepOneIsDpsgdMixing() {
        MixingMatrix w = MixingMatrix.metropolisHastings(GossipGraph.ring(N));
        float[][] x = random(1);
        float[][] expected = new float[N][DIM];
        for (int i = 0; i < N; i++) {
            w.mix(i, x, expected[i]);
        }
        ChocoGossip g = new ChocoGossip(w, 1.0, new IdentityCompressor(), new UpdateLayout(new int[][] {{DIM}}),
                new float[DIM], SeedTree.root(3));
        g.step(x, 0);
        for (int i = 0; i < N; i++) {
            assertArrayEquals(expected[i], x[i], 1e-5f);
        }
    }

    @Test
    void topKGossipKeepsTheAverageAndReachesConsensus() {
        MixingMatrix w = MixingMatrix.metropolisHastings(GossipGraph.ring(N));
        float[][] x = random(2);
        double[] m0 = mean(x);
        double e0 = consensusError(x);
        ChocoGossip g = new ChocoGossip(w, 0.3, compressor("topk", Map.of("ratio", 0.1)),
                new UpdateLayout(new int[][] {{DIM}}), new float[DIM], SeedTree.root(3));
        double mid = 0;
        for (int t = 0; t < 600; t++) {
            g.step(x, t);
            if (t == 99) {
                mid = consensusError(x);
            }
        }
        double end = consensusError(x);
        assertTrue(mid < e0, "the error falls: " + e0 + " -> " + mid);
        assertTrue(end < 1e-6 * e0, "consensus: " + e0 + " -> " + mid + " -> " + end);
        double[] m = mean(x);
        for (int e = 0; e < DIM; e++) {
            assertEquals(m0[e], m[e], 1e-4, "the average is kept");
        }
        assertTrue(g.wireBytes(0) < 4L * DIM, "a Top-10% message is smaller than the dense model");
        // without the public copies (plain compressed mixing of x itself) Top-k gossip does not average: CHOCO's
        // feedback is what makes it converge
    }

    @Test
    void badSettingsNameTheKey() {
        MixingMatrix w = MixingMatrix.metropolisHastings(GossipGraph.ring(N));
        UpdateLayout layout = new UpdateLayout(new int[][] {{DIM}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ChocoGossip(w, 0,
                new IdentityCompressor(), layout, new float[DIM], SeedTree.root(1)));
        assertTrue(e.getMessage().contains("consensus-step") && e.getMessage().contains("0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ChocoGossip(w, 0.5,
                compressor("topk", Map.of("ratio", 0.1, "error-feedback", true)), layout, new float[DIM],
                SeedTree.root(1)));
        assertTrue(e.getMessage().contains("error-feedback must be false"), e.getMessage());
    }
}
