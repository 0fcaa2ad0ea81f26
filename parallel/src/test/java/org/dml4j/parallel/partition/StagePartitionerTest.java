package org.dml4j.parallel.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.dml4j.core.PlanInfeasibleException;
import org.dml4j.parallel.pipeline.StageCosts;
import org.junit.jupiter.api.Test;

/** The DP partition equals brute force; heterogeneous devices and memory limits are honoured. */
class StagePartitionerTest {
    /** Best bottleneck over every split into non-empty stages (infinity when none fits). */
    static double bruteForce(LayerCosts layers, DeviceSpecs devices) {
        return search(layers, devices, 0, 0, 0);
    }

    private static double search(LayerCosts layers, DeviceSpecs d, int stage, int start, double worst) {
        int n = layers.layers();
        int p = d.stages();
        if (stage == p) {
            return start == n ? worst : Double.POSITIVE_INFINITY;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int end = start + 1; end <= n - (p - stage - 1); end++) {
            double t = 0;
            double st = 0;
            double act = 0;
            for (int l = start; l < end; l++) {
                t += layers.time(l);
                st += layers.staticMemory(l);
                act += layers.activationMemory(l);
            }
            if (st + d.inFlight(stage) * act > d.memoryLimit(stage)) {
                continue;
            }
            best = Math.min(best, search(layers, d, stage + 1, end, Math.max(worst, t / d.speed(stage))));
        }
        return best;
    }

    private static LayerCosts randomLayers(SplittableRandom r, int n) {
        double[] f = new double[n];
        double[] b = new double[n];
        double[] w = new double[n];
        double[] st = new double[n];
        double[] act = new double[n];
        for (int l = 0; l < n; l++) {
            f[l] = r.nextInt(1, 10);
            b[l] = r.nextDouble() * 5;
            w[l] = r.nextInt(0, 3);
            st[l] = r.nextInt(1, 5);
            act[l] = r.nextInt(0, 3);
        }
        return LayerCosts.of(f, b, w, st, act);
    }

    @Property(tries = 300)
    void equalsBruteForceOnSmallCases(@ForAll @LongRange(min = 1, max = 10_000_000) long seed) {
        // Prepare
        SplittableRandom r = new SplittableRandom(seed);
        int n = r.nextInt(1, 11);
        int p = r.nextInt(1, Math.min(n, 5) + 1);
        LayerCosts layers = randomLayers(r, n);
        double[] speed = new double[p];
        double[] limit = new double[p];
        double[] inFlight = new double[p];
        for (int s = 0; s < p; s++) {
            speed[s] = r.nextBoolean() ? 1 : 0.5 + r.nextDouble() * 1.5;
            limit[s] = r.nextInt(4) == 0 ? Double.POSITIVE_INFINITY : r.nextInt(5, 40);
            inFlight[s] = p - s;
        }
        DeviceSpecs devices = DeviceSpecs.of(speed, limit, inFlight);
        double expected = bruteForce(layers, devices);
        // Execute / Assert
        if (expected == Double.POSITIVE_INFINITY) {
            assertThrows(PlanInfeasibleException.class, () -> StagePartitioner.partition(layers, devices));
            return;
        }
        Partition part = StagePartitioner.partition(layers, devices);
        assertEquals(expected, part.bottleneck(), 1e-9 * Math.max(1, expected));
        int total = 0;
        for (int s = 0; s < p; s++) {
            assertTrue(part.layerCounts()[s] >= 1);
            assertTrue(part.stageMemory(s) <= devices.memoryLimit(s));
            total += part.layerCounts()[s];
        }
        assertEquals(n, total);
    }

    @Test
    void equalLayersSplitEvenly() {
        double[] t = new double[12];
        java.util.Arrays.fill(t, 1);
        Partition part = StagePartitioner.partition(LayerCosts.ofTimeAndMemory(t, new double[12]),
                DeviceSpecs.uniform(4));
        assertArrayEquals(new int[] {3, 3, 3, 3}, part.layerCounts());
        assertEquals(3, part.bottleneck(), 1e-12);
    }

    @Test
    void fasterDevicesGetMoreLayers() {
        // Prepare: device 1 is twice as fast
        double[] t = new double[12];
        java.util.Arrays.fill(t, 1);
        DeviceSpecs devices = DeviceSpecs.uniform(3).withSpeed(1, 2, 1);
        // Execute
        Partition part = StagePartitioner.partition(LayerCosts.ofTimeAndMemory(t, new double[12]), devices);
        // Assert: 3 / 6 / 3 balances to 3 per device
        assertArrayEquals(new int[] {3, 6, 3}, part.layerCounts());
        assertEquals(3, part.bottleneck(), 1e-12);
    }

    @Test
    void memoryLimitsMoveLayersAndInFlightCountsMatter() {
        // Prepare: stage 0 holds 2 micro-batches of activations (1F1B with p = 2); limit 10
        int n = 8;
        double[] t = new double[n];
        double[] act = new double[n];
        java.util.Arrays.fill(t, 1);
        java.util.Arrays.fill(act, 2);
        LayerCosts layers = LayerCosts.of(t, new double[n], new double[n], new double[n], act);
        DeviceSpecs devices = DeviceSpecs.uniform(2).withMemoryLimit(10, 100);
        // Execute
        Partition part = StagePartitioner.partition(layers, devices);
        // Assert: stage 0 may hold 2 layers (2 * 2 * 2 = 8 <= 10)
        assertArrayEquals(new int[] {2, 6}, part.layerCounts());
        assertEquals(8, part.stageMemory(0), 1e-12);
    }

    @Test
    void infeasibleMemoryNamesTheStageAndTheSmallestExcess() {
        // Prepare: 4 layers of static memory 5 each, 2 stages with limit 8: best split 2/2 needs 10, 2 too many
        double[] t = {1, 1, 1, 1};
        double[] mem = {5, 5, 5, 5};
        DeviceSpecs devices = DeviceSpecs.uniform(2).withMemoryLimit(8, 8);
        // Execute
        PlanInfeasibleException e = assertThrows(PlanInfeasibleException.class,
                () -> StagePartitioner.partition(LayerCosts.ofTimeAndMemory(t, mem), devices));
        // Assert
        assertTrue(e.getMessage().contains("needs 10 on stage") && e.getMessage().contains("by 2"),
                e.getMessage());
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StagePartitioner.partition(LayerCosts.ofTimeAndMemory(new double[] {1, 2},
                        new double[] {0, 0}), DeviceSpecs.uniform(3)));
        assertTrue(e.getMessage().contains("L = 2") && e.getMessage().contains("p = 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LayerCosts.ofTimeAndMemory(new double[] {1, -1}, new double[] {0, 0}));
        assertEquals("forward[1] must be a finite number >= 0, got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceSpecs.uniform(2).withSpeed(1, 0));
        assertTrue(e.getMessage().startsWith("speed[1]"), e.getMessage());
    }

    @Test
    void partitionFeedsThePipelineSimulator() {
        // Prepare
        LayerCosts layers = LayerCosts.of(new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 4},
                new double[] {0, 0, 1, 1}, new double[] {1, 1, 1, 1}, new double[] {2, 2, 2, 2});
        DeviceSpecs devices = DeviceSpecs.uniform(2).withSpeed(1, 2);
        Partition part = StagePartitioner.partition(layers, devices);
        // Execute
        StageCosts costs = part.toStageCosts(layers, devices, 0.5);
        // Assert: stage times at unit speed are the layer sums; the device speed is carried over
        double f0 = 0;
        for (int l = part.firstLayer(0); l < part.endLayer(0); l++) {
            f0 += layers.forward(l);
        }
        assertEquals(f0, costs.forward(0), 1e-12);
        assertEquals(2, costs.deviceSpeed(1), 1e-12);
        assertEquals(part.stageTime(1), costs.computePerMicrobatch(1), 1e-12);
        assertEquals(0.5, costs.p2pTime(), 1e-12);
    }
}
