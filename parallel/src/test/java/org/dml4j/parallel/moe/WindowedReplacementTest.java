package org.dml4j.parallel.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Windowed re-placement with migration cost, and the all-to-all model. */
class WindowedReplacementTest {
    private static final RoutingTrace DRIFTING =
            ZipfTraceGenerator.generate(new ZipfTraceConfig(32, 8, 320_000, 1.1, 0, 0.4, 21));

    private static ReplacementConfig config(double expertBytes, ReplacementConfig.Policy policy) {
        return new ReplacementConfig(5, new Topology(4, 100e9, 10e9, 0, 0), 8192, expertBytes, 1e-6, 100, policy);
    }

    @Test
    void freeMigrationsLetEveryWindowFollowTheDrift() {
        ReplacementReport stat = WindowedReplacement.run(DRIFTING, 8, new BalancedPlacer(),
                config(0, ReplacementConfig.Policy.STATIC));
        ReplacementReport every = WindowedReplacement.run(DRIFTING, 8, new BalancedPlacer(),
                config(0, ReplacementConfig.Policy.EVERY_WINDOW));
        assertEquals(8, every.windows().size());
        assertEquals(0, stat.totalMigrations());
        assertTrue(every.replacements() >= 1);
        assertTrue(every.meanImbalance() < stat.meanImbalance(), every.meanImbalance() + " vs "
                + stat.meanImbalance());
        assertTrue(every.totalSeconds() < stat.totalSeconds());
    }

    @Test
    void costAwarePolicyNeverPaysMoreThanItSavesOnThePreviousWindow() {
        // Prepare: copying one expert costs 10 GB over a 10 GB/s link: 1 s, far more than any window gains
        ReplacementReport costly = WindowedReplacement.run(DRIFTING, 8, new BalancedPlacer(),
                config(10e9, ReplacementConfig.Policy.COST_AWARE));
        ReplacementReport eager = WindowedReplacement.run(DRIFTING, 8, new BalancedPlacer(),
                config(10e9, ReplacementConfig.Policy.EVERY_WINDOW));
        ReplacementReport cheap = WindowedReplacement.run(DRIFTING, 8, new BalancedPlacer(),
                config(1e3, ReplacementConfig.Policy.COST_AWARE));
        // Assert
        assertEquals(0, costly.replacements());
        assertTrue(eager.totalSeconds() > costly.totalSeconds());
        assertTrue(cheap.replacements() >= 1);
    }

    @Test
    void stickyMappingMovesNothingWhenNothingChanged() {
        PlacementProblem p = DRIFTING.problem(0, 8, 5, 4);
        ExpertPlacement a = new BalancedPlacer().place(p);
        ExpertPlacement shuffled = WindowedReplacement.sticky(new GreedyReplicationPlacer().place(p), a);
        assertEquals(0, WindowedReplacement.sticky(a, a).migrationsFrom(a));
        assertTrue(shuffled.migrationsFrom(a) <= new GreedyReplicationPlacer().place(p).migrationsFrom(a));
    }

    @Test
    void allToAllByHand() {
        // Prepare: 2 experts on 2 GPUs in 2 nodes; expert 0 on GPU 0 gets 10 tokens from each GPU, expert 1 on
        // GPU 1 gets 30 from GPU 0 and 0 from GPU 1
        PlacementProblem p = PlacementProblem.fromSources(new double[][] {{10, 10}, {30, 0}}, 1).withGpusPerNode(1);
        ExpertPlacement pl = ExpertPlacement.of("hand", p, new int[][] {{0}, {1}});
        Topology t = new Topology(1, 1000, 10, 0, 0.5);
        // Execute
        AllToAllEstimate est = AllToAllModel.estimate(pl, p, t, 2);
        // Assert: GPU 0 sends 30 tokens x 2 bytes = 60 B at 10 B/s = 6 s (+0.5 latency); GPU 1 sends 20 B
        assertEquals(6.5, est.seconds(), 1e-12);
        assertEquals(80, est.interBytes(), 1e-12);
        assertEquals(0, est.intraBytes(), 1e-12);
        assertEquals(0, est.bottleneckGpu());
        assertEquals(26, est.perLayerSeconds(), 1e-12);
    }
}
