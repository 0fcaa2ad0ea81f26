package org.dml4j.parallel.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Placers: validity, ours against both baselines, exact share balancing, node awareness. */
class ExpertPlacementTest {
    static void assertValid(PlacementProblem p, ExpertPlacement pl) {
        int[] used = new int[p.gpus()];
        for (int e = 0; e < p.experts(); e++) {
            int[] hosts = pl.hosts(e);
            double[] shares = pl.shares(e);
            assertTrue(hosts.length >= 1, "expert " + e + " has no host");
            assertTrue(hosts.length <= p.maxReplicas());
            double sum = 0;
            for (int i = 0; i < hosts.length; i++) {
                used[hosts[i]]++;
                for (int j = 0; j < i; j++) {
                    assertTrue(hosts[j] != hosts[i], "expert " + e + " twice on GPU " + hosts[i]);
                }
                assertTrue(shares[i] >= -1e-9);
                sum += shares[i];
            }
            assertEquals(p.load(e), sum, 1e-6 * Math.max(1, p.load(e)), "tokens of expert " + e);
        }
        for (int g = 0; g < p.gpus(); g++) {
            assertTrue(used[g] <= p.slotsPerGpu(), "GPU " + g + " over its slots");
        }
    }

    @Test
    void zipfSkewedTraceWith64ExpertsOn16Gpus() {
        // Prepare: E = 64, G = 16 (two nodes of 8), one spare slot per GPU, Zipf exponent 1.2
        RoutingTrace trace = ZipfTraceGenerator.generate(new ZipfTraceConfig(64, 1, 6_400_000, 1.2, 16, 0, 7));
        PlacementProblem p = trace.problem(0, 16, 5, 8);
        // Execute
        ExpertPlacement rr = ExpertPlacers.get("round-robin").place(p);
        ExpertPlacement greedy = ExpertPlacers.get("greedy").place(p);
        ExpertPlacement ours = ExpertPlacers.get("balanced").place(p);
        // Assert
        for (ExpertPlacement pl : List.of(rr, greedy, ours)) {
            assertValid(p, pl);
        }
        System.out.printf("zipf s=1.2, E=64, G=16, 5 slots: max/mean round-robin %.4f, greedy %.4f, balanced %.4f%n",
                rr.imbalance(), greedy.imbalance(), ours.imbalance());
        assertTrue(ours.imbalance() <= rr.imbalance() + 1e-9);
        assertTrue(ours.imbalance() <= greedy.imbalance() + 1e-9);
        assertTrue(rr.imbalance() > 3, "the skew is real: " + rr.imbalance());
        assertTrue(ours.imbalance() < 1.01, "" + ours.imbalance());
        assertTrue(ours.imbalance() < greedy.imbalance());
    }

    @Property(tries = 60)
    void oursIsNeverWorseThanEitherBaseline(@ForAll @LongRange(min = 1, max = 10_000_000) long seed) {
        // Prepare
        SplittableRandom r = new SplittableRandom(seed);
        int g = 1 + r.nextInt(8);
        int e = 1 + r.nextInt(24);
        int slots = (e + g - 1) / g + r.nextInt(3);
        double[] load = new double[e];
        for (int x = 0; x < e; x++) {
            load[x] = r.nextInt(4) == 0 ? 0 : Math.floor(1000 * Math.pow(r.nextDouble(), 3));
        }
        PlacementProblem p = PlacementProblem.of(load, g, slots).withMaxReplicas(1 + r.nextInt(g));
        // Execute
        ExpertPlacement rr = new RoundRobinPlacer().place(p);
        ExpertPlacement greedy = new GreedyReplicationPlacer().place(p);
        ExpertPlacement ours = new BalancedPlacer().place(p);
        // Assert
        assertValid(p, rr);
        assertValid(p, greedy);
        assertValid(p, ours);
        assertTrue(ours.maxLoad() <= Math.min(rr.maxLoad(), greedy.maxLoad()) + 1e-6);
    }

    @Property(tries = 60)
    void shareBalancingIsOptimalForTheHosts(@ForAll @LongRange(min = 1, max = 10_000_000) long seed) {
        // Prepare: random hosts on up to 5 GPUs
        SplittableRandom r = new SplittableRandom(seed);
        int g = 1 + r.nextInt(5);
        int e = 1 + r.nextInt(7);
        double[] load = new double[e];
        int[][] hosts = new int[e][];
        for (int x = 0; x < e; x++) {
            load[x] = r.nextInt(100);
            int mask = 1 + r.nextInt((1 << g) - 1);
            hosts[x] = java.util.stream.IntStream.range(0, g).filter(k -> (mask >> k & 1) == 1).toArray();
        }
        // Execute
        double[][] shares = ShareBalancer.balance(load, hosts, g);
        double[] gpu = new double[g];
        for (int x = 0; x < e; x++) {
            double sum = 0;
            for (int i = 0; i < hosts[x].length; i++) {
                gpu[hosts[x][i]] += shares[x][i];
                sum += shares[x][i];
            }
            assertEquals(load[x], sum, 1e-6);
        }
        double max = java.util.Arrays.stream(gpu).max().orElse(0);
        // Assert: equals the Hall bound max over GPU sets K of (tokens that must land in K) / |K|
        double bound = 0;
        for (int set = 1; set < (1 << g); set++) {
            double inside = 0;
            for (int x = 0; x < e; x++) {
                boolean all = true;
                for (int k : hosts[x]) {
                    all &= (set >> k & 1) == 1;
                }
                if (all) {
                    inside += load[x];
                }
            }
            bound = Math.max(bound, inside / Integer.bitCount(set));
        }
        assertEquals(bound, max, 1e-6 * Math.max(1, bound));
    }

    @Test
    void keepsTokensInsideTheirNodeWhenSourcesAreLocal() {
        // Prepare: 8 experts, 4 GPUs in 2 nodes; experts 0-3 are fed by node 1's GPUs, experts 4-7 by node 0's,
        // with the same loads in both groups (so balance does not force mixing the groups)
        double[][] src = new double[8][4];
        for (int x = 0; x < 8; x++) {
            int node = x < 4 ? 1 : 0;
            src[x][2 * node] = 50 + (x % 4);
            src[x][2 * node + 1] = 50 + (x % 4);
        }
        PlacementProblem p = PlacementProblem.fromSources(src, 2).withGpusPerNode(2);
        // Execute
        ExpertPlacement rr = new RoundRobinPlacer().place(p);
        ExpertPlacement ours = new BalancedPlacer().place(p);
        // Assert: same balance, far fewer tokens across nodes
        double rrCross = Packing.crossNodeTokens(p, rr);
        double oursCross = Packing.crossNodeTokens(p, ours);
        assertTrue(ours.maxLoad() <= rr.maxLoad() + 1e-9);
        assertTrue(oursCross < 0.2 * rrCross, oursCross + " vs " + rrCross);
        assertEquals(0, oursCross, 1e-9);
        Topology t = new Topology(2, 100, 10, 0, 0);
        assertTrue(AllToAllModel.estimate(ours, p, t, 1).interBytes()
                < AllToAllModel.estimate(rr, p, t, 1).interBytes());
    }

    @Test
    void badProblemsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlacementProblem.of(new double[10], 2, 4));
        assertTrue(e.getMessage().contains("8 slots cannot hold 10 experts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PlacementProblem.of(new double[] {1, -1}, 2, 1));
        assertEquals("load[1] must be a finite number >= 0, got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PlacementProblem.of(new double[] {1, 1}, 4, 1).withGpusPerNode(3));
        assertTrue(e.getMessage().startsWith("gpusPerNode"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExpertPlacers.get("random"));
        assertTrue(e.getMessage().contains("balanced"), e.getMessage());
    }

    @Test
    void explicitPlacementsAreChecked() {
        PlacementProblem p = PlacementProblem.of(new double[] {10, 20, 30}, 2, 2);
        ExpertPlacement pl = ExpertPlacement.of("hand", p, new int[][] {{0}, {1}, {0, 1}});
        assertEquals(35, pl.maxLoad(), 1e-12);
        assertEquals(1, pl.migrationsFrom(ExpertPlacement.of("b", p, new int[][] {{0}, {1}, {0}})));
        assertThrows(IllegalArgumentException.class, () -> ExpertPlacement.of("x", p, new int[][] {{0}, {0}, {0}}));
        assertThrows(IllegalArgumentException.class, () -> ExpertPlacement.of("x", p, new int[][] {{0}, {}, {1}}));
        assertThrows(IllegalArgumentException.class,
                () -> ExpertPlacement.of("x", p, new int[][] {{0}, {1}, {1, 1}}));
    }

    @Test
    void hungarianMatchesBruteForce() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + r.nextInt(6);
            double[][] c = new double[n][n];
            for (double[] row : c) {
                for (int j = 0; j < n; j++) {
                    row[j] = r.nextInt(20);
                }
            }
            int[] a = Hungarian.solve(c);
            double got = 0;
            for (int i = 0; i < n; i++) {
                got += c[i][a[i]];
            }
            assertEquals(best(c, 0, new boolean[n]), got, 1e-9);
        }
    }

    private static double best(double[][] c, int row, boolean[] used) {
        if (row == c.length) {
            return 0;
        }
        double b = Double.POSITIVE_INFINITY;
        for (int j = 0; j < c.length; j++) {
            if (!used[j]) {
                used[j] = true;
                b = Math.min(b, c[row][j] + best(c, row + 1, used));
                used[j] = false;
            }
        }
        return b;
    }
}
