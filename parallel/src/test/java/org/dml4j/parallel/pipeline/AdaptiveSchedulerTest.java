package org.dml4j.parallel.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.dml4j.core.PlanInfeasibleException;
import org.junit.jupiter.api.Test;

/** Our adaptive schedule: beats 1F1B on unbalanced stages, never loses to a published schedule that fits. */
class AdaptiveSchedulerTest {
    private static double time(String name, StageCosts c, int m) {
        return PipelineSchedulers.simulate(name, c, m, 1).iterationTime();
    }

    @Test
    void beats1f1bOnUnbalancedStagesWithinItsMemory() {
        // Prepare: stage 2 is twice as slow; each device may hold what 1F1B holds on it (p - d activations)
        int p = 4;
        int m = 8;
        StageCosts base = StageCosts.builder(p).forward(1, 1, 2, 1).backward(1, 1, 2, 1).weight(1, 1, 2, 1)
                .activationMemory(1).build();
        double[] oneF1bPeaks = MemoryProfile.of(PipelineSchedulers.get("1f1b").schedule(base, m), base).peaks();
        StageCosts c = base.toBuilder().memoryLimit(oneF1bPeaks).build();
        // Execute
        Timeline ours = PipelineSchedulers.simulate("adaptive", c, m, 1);
        Timeline oneF1b = PipelineSchedulers.simulate("1f1b", c, m, 1);
        // Assert: 55 -> 51 time units, and ZB-H1 does not even fit these limits
        assertEquals(55, oneF1b.iterationTime(), 1e-9);
        assertTrue(ours.iterationTime() < oneF1b.iterationTime() - 3.5, ours + " vs " + oneF1b);
        for (int d = 0; d < p; d++) {
            assertTrue(ours.peakMemory(d) <= oneF1bPeaks[d] + 1e-9);
        }
        assertThrows(PlanInfeasibleException.class, () -> PipelineSchedulers.get("zb-h1").schedule(c, m));
    }

    @Test
    void beatsEveryPublishedScheduleOnAHeterogeneousPipeline() {
        // Prepare: uneven layers, a slower device, communication, and 1F1B's largest footprint as a common limit
        StageCosts c = StageCosts.builder(6).forward(1.0, 1.4, 0.8, 1.2, 1.0, 1.6).backward(1.1, 1.5, 0.9, 1.1, 1.2,
                        1.8).weight(0.6, 0.9, 0.5, 0.7, 0.6, 1.0).deviceSpeed(1, 1, 0.8, 1, 1.2, 1).p2pTime(0.05)
                .activationMemory(1).memoryLimit(6).build();
        int m = 12;
        // Execute
        double ours = time("adaptive", c, m);
        // Assert
        for (String name : List.of("gpipe", "1f1b", "zb-h1", "zb-h2")) {
            double theirs;
            try {
                theirs = time(name, c, m);
            } catch (PlanInfeasibleException e) {
                continue;
            }
            assertTrue(ours <= theirs + 1e-9, name + ": " + theirs + " < ours " + ours);
        }
        assertTrue(ours < time("1f1b", c, m) * 0.95);
        assertTrue(ours < time("zb-h1", c, m) - 1e-6);
    }

    @Test
    void matchesZeroBubbleOnEqualStages() {
        StageCosts c = StageCosts.builder(4).forward(1).backward(1).weight(1).activationMemory(1).build();
        assertEquals(time("zb-h2", c, 12), time("adaptive", c, 12), 1e-9);
    }

    @Test
    void squeezesIntoTightMemory() {
        // Prepare: one activation per device: the only choice is a fully sequential pipeline
        StageCosts c = StageCosts.builder(3).forward(1).backward(1).weight(1).activationMemory(1).memoryLimit(1)
                .build();
        // Execute
        Timeline t = PipelineSchedulers.simulate("adaptive", c, 4, 1);
        // Assert
        assertEquals(1, t.maxPeakMemory(), 1e-12);
        assertThrows(PlanInfeasibleException.class, () -> PipelineSchedulers.get("1f1b").schedule(c, 4));
    }

    @Property(tries = 40)
    void neverSlowerThanAFittingPublishedScheduleAndAlwaysWithinMemory(
            @ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        // Prepare
        SplittableRandom r = new SplittableRandom(seed);
        int p = 2 + r.nextInt(6);
        int m = 1 + r.nextInt(3 * p);
        double[] f = new double[p];
        double[] b = new double[p];
        double[] w = new double[p];
        double[] limit = new double[p];
        for (int d = 0; d < p; d++) {
            f[d] = 0.5 + 1.5 * r.nextDouble();
            b[d] = f[d] * (0.8 + 0.6 * r.nextDouble());
            w[d] = f[d] * (0.3 + r.nextDouble());
            limit[d] = 1 + r.nextInt(2 * p);
        }
        StageCosts c = StageCosts.builder(p).forward(f).backward(b).weight(w).p2pTime(0.2 * r.nextDouble())
                .activationMemory(1).weightMemoryFraction(r.nextDouble()).memoryLimit(limit).build();
        // Execute
        Schedule s = PipelineSchedulers.get("adaptive").schedule(c, m);
        Timeline ours = TimelineSimulator.simulate(s, c);
        // Assert
        TimelineChecks.assertConsistent(s, c, ours);
        for (String name : List.of("gpipe", "1f1b", "zb-h1", "zb-h2")) {
            try {
                assertTrue(ours.iterationTime() <= time(name, c, m) + 1e-9, name);
            } catch (PlanInfeasibleException e) {
                // that schedule does not fit; nothing to compare
            }
        }
    }
}
