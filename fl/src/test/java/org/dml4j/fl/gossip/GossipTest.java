package org.dml4j.fl.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pure averaging (no training): graphs, mixing matrices, segmented gossip and BACombo's choice. */
class GossipTest {
    private static List<GossipGraph> graphs() {
        return List.of(GossipGraph.ring(7), GossipGraph.torus(3, 4), GossipGraph.complete(5),
                GossipGraph.randomRegular(10, 3, new SplittableRandom(1)),
                GossipGraph.erdosRenyi(12, 0.4, new SplittableRandom(2)));
    }

    @Test
    void metropolisHastingsWeightsAreSymmetricAndDoublyStochastic() {
        for (GossipGraph g : graphs()) {
            MixingMatrix w = MixingMatrix.metropolisHastings(g);
            for (int i = 0; i < g.size(); i++) {
                double row = 0;
                double col = 0;
                for (int j = 0; j < g.size(); j++) {
                    row += w.weight(i, j);
                    col += w.weight(j, i);
                    assertEquals(w.weight(i, j), w.weight(j, i), 0, g.kind());
                    assertTrue(w.weight(i, j) >= 0, g.kind());
                }
                assertEquals(1, row, 1e-12, g.kind());
                assertEquals(1, col, 1e-12, g.kind());
            }
            assertTrue(w.secondEigenvalueModulus() < 1, g.kind() + " is connected: a spectral gap");
        }
    }

    @Test
    void mixingAmongPresentPeersIsMetropolisHastingsOnTheInducedSubgraph() {
        // Prepare: a ring of 8 without peers 2 and 5: two paths, {3, 4} and {6, 7, 0, 1}
        MixingMatrix w = MixingMatrix.metropolisHastings(GossipGraph.ring(8));
        boolean[] present = {true, true, false, true, true, false, true, true};
        // Execute
        MixingMatrix p = w.amongPresent(present);
        // Assert: symmetric, doubly stochastic, absent rows the identity, weights 1/(1 + max degree) on the paths
        for (int i = 0; i < 8; i++) {
            double row = 0;
            for (int j = 0; j < 8; j++) {
                row += p.weight(i, j);
                assertEquals(p.weight(i, j), p.weight(j, i), 0);
                if (i != j && (!present[i] || !present[j])) {
                    assertEquals(0, p.weight(i, j), 0, i + "," + j);
                }
            }
            assertEquals(1, row, 1e-12);
        }
        assertEquals(1, p.weight(2, 2), 0);
        assertEquals(0.5, p.weight(3, 4), 1e-15, "both ends of a two-peer path have degree 1");
        assertEquals(1.0 / 3, p.weight(0, 1), 1e-15);
        assertEquals(1.0 / 3, p.weight(0, 0), 1e-15);
        // mixing averages each component on its own
        double[] x = {1, 2, 100, 3, 4, 100, 5, 6};
        for (int k = 0; k < 200; k++) {
            x = p.apply(x);
        }
        assertEquals(3.5, x[3], 1e-9);
        assertEquals(3.5, x[4], 1e-9);
        assertEquals((1 + 2 + 5 + 6) / 4.0, x[0], 1e-9);
        assertEquals(100, x[2], 0, "an absent peer's value stays");
        assertThrows(IllegalArgumentException.class, () -> w.amongPresent(new boolean[3]));
    }

    @Test
    void graphsHaveTheirShape() {
        for (int i = 0; i < 10; i++) {
            assertEquals(3, GossipGraph.randomRegular(10, 3, new SplittableRandom(1)).degree(i));
        }
        GossipGraph t = GossipGraph.torus(3, 4);
        assertArrayEquals(new int[] {1, 3, 4, 8}, t.neighbours(0));
        assertArrayEquals(new int[] {1, 6}, GossipGraph.ring(7).neighbours(0));
        assertEquals(4, GossipGraph.complete(5).degree(2));
    }

    @Test
    void badGraphsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GossipGraph.erdosRenyi(10, 0.01, new SplittableRandom(3)));
        assertTrue(e.getMessage().contains("disconnected"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GossipGraph.randomRegular(9, 3, new SplittableRandom(3)));
        assertTrue(e.getMessage().contains("degree"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GossipGraph.erdosRenyi(4, 0, new SplittableRandom(3)));
        assertTrue(e.getMessage().contains("p must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GossipGraph.ring(1));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }

    @Test
    void uniformGossipOnACompleteGraphIsAveraging() {
        int n = 6;
        float[][] x = new float[n][9];
        SplittableRandom r = new SplittableRandom(5);
        double[] mean = new double[9];
        for (float[] v : x) {
            for (int e = 0; e < v.length; e++) {
                v[e] = (float) r.nextGaussian();
                mean[e] += v[e] / (double) n;
            }
        }
        MixingMatrix w = MixingMatrix.uniform(GossipGraph.complete(n));
        assertEquals(0, w.secondEigenvalueModulus(), 1e-9, "one step reaches consensus");
        float[] out = new float[9];
        for (int i = 0; i < n; i++) {
            w.mix(i, x, out);
            for (int e = 0; e < 9; e++) {
                assertEquals(mean[e], out[e], 1e-6);
            }
        }
    }

    @Test
    void consensusErrorDecaysAtTheSecondEigenvalue() {
        // ring of 8, MH weights 1/3: eigenvalues (1 + 2 cos(2 pi k / 8)) / 3, so lambda = (1 + sqrt 2) / 3
        assertEquals((1 + Math.sqrt(2)) / 3, MixingMatrix.metropolisHastings(GossipGraph.ring(8))
                .secondEigenvalueModulus(), 1e-9);
        // 4x4 torus, MH weights 1/5: (1 + 2 cos(2 pi a / 4) + 2 cos(2 pi b / 4)) / 5, so lambda = 3/5
        assertEquals(0.6, MixingMatrix.metropolisHastings(GossipGraph.torus(4, 4)).secondEigenvalueModulus(), 1e-9);
        for (GossipGraph g : graphs()) {
            MixingMatrix w = MixingMatrix.metropolisHastings(g);
            double lambda = w.secondEigenvalueModulus();
            double[] x = new SplittableRandom(7).doubles(g.size()).toArray();
            double e0 = error(x);
            double prev = e0;
            double ratio = 0;
            for (int t = 1; t <= 300; t++) {
                x = w.apply(x);
                double e = error(x);
                if (e < 1e-10 * e0) {
                    break; // near the rounding floor of double
                }
                assertTrue(e <= Math.pow(lambda, t) * e0 * (1 + 1e-9), g.kind() + " step " + t);
                ratio = e / prev;
                prev = e;
            }
            if (lambda > 0.05) {
                assertEquals(lambda, ratio, 1e-3, g.kind() + ": the error shrinks by lambda per step");
            }
        }
    }

    private static double error(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return Math.sqrt(s);
    }

    @Test
    void segmentAssemblyMatchesAHandWorkedExample() {
        // 3 workers with 10, 30 and 60 samples; a model of 5 values in S = 2 segments [0, 2) and [2, 5); R = 1.
        SegmentedGossip g = new SegmentedGossip(3, 2, 1, 5);
        assertEquals(2, g.length(0));
        assertEquals(3, g.length(1));
        int[] samples = {10, 30, 60};
        float[] own = {1, 1, 1, 1, 1};
        int[][] peers = {{1}, {2}};
        float[][][] pulled = {{{2, 4}}, {{3, 3, 9}}};
        float[] w = g.aggregate(own, 10, peers, pulled, samples);
        // segment 0: (10 * 1 + 30 * 2) / 40 = 1.75 and (10 * 1 + 30 * 4) / 40 = 3.25
        // segment 1: (10 * 1 + 60 * 3) / 70 = 19/7 and (10 * 1 + 60 * 9) / 70 = 55/7
        assertArrayEquals(new float[] {1.75f, 3.25f, (float) (19 / 7.0), (float) (19 / 7.0), (float) (55 / 7.0)}, w);
        // a newcomer has no model yet: the pulled segments alone
        assertArrayEquals(new float[] {2, 4, 3, 3, 9}, g.aggregate(null, 0, peers, pulled, samples));
    }

    @Test
    void allOtherWorkersAsReplicasIsFedAvgsWeightedAverage() {
        int n = 5;
        int dim = 11;
        SegmentedGossip g = new SegmentedGossip(n, 3, n - 1, dim);
        SplittableRandom r = new SplittableRandom(9);
        float[][] models = new float[n][dim];
        int[] samples = new int[n];
        double[] avg = new double[dim];
        long total = 0;
        for (int j = 0; j < n; j++) {
            samples[j] = 5 + r.nextInt(50);
            total += samples[j];
            for (int e = 0; e < dim; e++) {
                models[j][e] = (float) r.nextGaussian();
            }
        }
        for (int j = 0; j < n; j++) {
            for (int e = 0; e < dim; e++) {
                avg[e] += samples[j] * (double) models[j][e] / total;
            }
        }
        for (int i = 0; i < n; i++) {
            int[][] peers = g.choosePeers(i, null, new SplittableRandom(i));
            float[][][] pulled = new float[g.segments()][n - 1][];
            for (int l = 0; l < g.segments(); l++) {
                for (int k = 0; k < n - 1; k++) {
                    pulled[l][k] = g.segment(models[peers[l][k]], l);
                }
            }
            float[] w = g.aggregate(models[i], samples[i], peers, pulled, samples);
            for (int e = 0; e < dim; e++) {
                assertEquals(avg[e], w[e], 1e-6);
            }
        }
    }

    @Test
    void targetsAreDrawnWithoutReplacementAcrossRequests() {
        SegmentedGossip g = new SegmentedGossip(21, 10, 2, 100);
        int[][] t = g.choosePeers(4, null, new SplittableRandom(3));
        Set<Integer> seen = new HashSet<>();
        for (int[] row : t) {
            for (int p : row) {
                assertNotEquals(4, p);
                assertTrue(seen.add(p), "S * R = n - 1: every request to a distinct worker");
            }
        }
        // S * R = 6 > n - 1 = 4: the pool refills, but one segment's replicas stay distinct
        SegmentedGossip small = new SegmentedGossip(5, 3, 2, 10);
        for (int seed = 0; seed < 50; seed++) {
            int[][] s = small.choosePeers(0, null, new SplittableRandom(seed));
            Set<Integer> first4 = new HashSet<>(List.of(s[0][0], s[0][1], s[1][0], s[1][1]));
            assertEquals(4, first4.size(), "the first 4 requests exhaust the pool");
            for (int[] row : s) {
                assertNotEquals(row[0], row[1]);
                assertTrue(row[0] != 0 && row[1] != 0);
            }
        }
    }

    @Test
    void anUnreachablePeerIsReplacedByAnotherOne() {
        SegmentedGossip g = new SegmentedGossip(6, 2, 2, 10);
        boolean[] offline = new boolean[6];
        int[][] t = g.choosePeers(0, offline, new SplittableRandom(1));
        int gone = t[1][0];
        offline[gone] = true; // it left while the pull was in flight
        int next = g.replacement(0, t[1], offline, new SplittableRandom(2));
        assertTrue(next > 0 && next != t[1][1] && next != gone, "got " + next);
        int[][] later = g.choosePeers(0, offline, new SplittableRandom(3));
        for (int[] row : later) {
            for (int p : row) {
                assertNotEquals(gone, p, "an offline peer is not asked until it is back");
            }
        }
        boolean[] all = {false, true, true, true, false, false};
        assertEquals(-1, g.replacement(0, new int[] {4, 5}, all, new SplittableRandom(4)), "nobody left");
    }

    @Test
    void segmentsAndReplicasOutOfRangeAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SegmentedGossip(4, 2, 4, 10));
        assertTrue(e.getMessage().contains("replicas (R)") && e.getMessage().contains("got 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SegmentedGossip(4, 11, 1, 10));
        assertTrue(e.getMessage().contains("segments (S)") && e.getMessage().contains("got 11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SegmentedGossip(4, 0, 1, 10));
        assertTrue(e.getMessage().contains("segments (S)"), e.getMessage());
    }

    @Test
    void baComboExploitsTheFastestPeersAndExploresAtRandom() {
        SegmentedGossip g = new SegmentedGossip(6, 3, 2, 30);
        BandwidthAwareChoice greedy = new BandwidthAwareChoice(g, 0);
        assertEquals(BandwidthAwareChoice.INITIAL, greedy.predicted(3));
        greedy.record(3, 50);
        greedy.record(5, 20);
        greedy.record(1, 1);
        for (int k = 0; k < 10; k++) {
            greedy.record(2, 1); // only the last 5 count
        }
        greedy.record(2, 100);
        assertEquals((4 * 1 + 100) / 5.0, greedy.predicted(2), 1e-12);
        int[][] t = greedy.choose(0, null, new SplittableRandom(1));
        for (int[] row : t) {
            assertArrayEquals(new int[] {3, 2}, row, "50 and 20.8 beat 20, 10 and 1");
        }
        boolean[] offline = new boolean[6];
        offline[3] = true;
        assertArrayEquals(new int[] {2, 5}, greedy.choose(0, offline, new SplittableRandom(1))[0]);
        BandwidthAwareChoice explore = new BandwidthAwareChoice(g, 1);
        Set<Integer> used = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            for (int[] row : explore.choose(0, null, new SplittableRandom(seed))) {
                assertNotEquals(row[0], row[1]);
                used.add(row[0]);
                used.add(row[1]);
            }
        }
        assertEquals(Set.of(1, 2, 3, 4, 5), used);
        assertThrows(IllegalArgumentException.class, () -> new BandwidthAwareChoice(g, 1.5));
    }
}
