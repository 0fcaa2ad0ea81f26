package org.dml4j.parallel.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.core.PlanInfeasibleException;
import org.junit.jupiter.api.Test;

/** Registry, bad input and general properties of every scheduler. */
class SchedulersTest {
    @Test
    void registryKnowsEverySchedule() {
        assertEquals(List.of("1f1b", "adaptive", "dualpipev", "gpipe", "interleaved", "v-half", "v-min", "zb-h1", "zb-h2",
                "zb-h2-list", "zb-v"),
                PipelineSchedulers.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineSchedulers.get("dualpipe"));
        assertTrue(e.getMessage().contains("dualpipe") && e.getMessage().contains("zb-v"), e.getMessage());
    }

    @Test
    void negativeTimesAreRejectedNamingFieldAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StageCosts.builder(3).forward(1, -2, 1).build());
        assertEquals("forward[1] must be a finite number >= 0, got -2.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StageCosts.builder(2).p2pTime(-1).build());
        assertTrue(e.getMessage().startsWith("p2pTime"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StageCosts.builder(2).weight(Double.NaN).build());
        assertTrue(e.getMessage().startsWith("weight[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StageCosts.builder(2).deviceSpeed(0).build());
        assertTrue(e.getMessage().startsWith("deviceSpeed[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StageCosts.builder(2).forward(1, 2, 3).build());
        assertTrue(e.getMessage().contains("forward must have 1 or 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StageCosts.builder(0));
        assertTrue(e.getMessage().contains("stages must be >= 1, got 0"), e.getMessage());
    }

    @Test
    void microbatchesBelowOneAreRejected() {
        StageCosts c = StageCosts.uniform(2, 1, 1, 1);
        for (String name : PipelineSchedulers.names()) {
            PipelineScheduler s = PipelineSchedulers.get(name);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.schedule(c, 0, s.defaultChunks()));
            assertTrue(e.getMessage().contains("microbatches (m) must be >= 1, got 0"), name + ": " + e.getMessage());
        }
    }

    @Test
    void unusableVIsRejected() {
        StageCosts c = StageCosts.uniform(2, 1, 1, 1);
        for (String name : List.of("gpipe", "1f1b", "zb-h1", "zb-h2", "zb-h2-list", "adaptive")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PipelineSchedulers.get(name).schedule(c, 4, 2));
            assertTrue(e.getMessage().contains("v = 2 cannot be used by schedule " + name), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> PipelineSchedulers.get("interleaved").schedule(c, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> PipelineSchedulers.get("zb-v").schedule(c, 4, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineSchedulers.get("interleaved").schedule(c, 5, 2));
        assertTrue(e.getMessage().contains("multiple") && e.getMessage().contains("m = 5"), e.getMessage());
    }

    @Test
    void memoryNoScheduleCanMeetIsReportedWithStageAndShortfall() {
        // Prepare: stage 1 needs 6 static + 5 activation = 11 > 10
        StageCosts c = StageCosts.builder(3).forward(1).backward(1).weight(1).activationMemory(5)
                .staticMemory(1, 6, 1).memoryLimit(10).build();
        for (String name : PipelineSchedulers.names()) {
            PipelineScheduler s = PipelineSchedulers.get(name);
            int m = 6;
            // Execute
            PlanInfeasibleException e = assertThrows(PlanInfeasibleException.class,
                    () -> s.schedule(c, m, s.defaultChunks()), name);
            // Assert
            if (s.defaultChunks() == 1) {
                assertTrue(e.getMessage().contains("no schedule fits: stage 1 needs at least 11")
                        && e.getMessage().contains("by 1"), e.getMessage());
            }
        }
    }

    @Test
    void aScheduleThatOverrunsMemoryNamesItselfTheStageAndTheExcess() {
        // Prepare: 1F1B keeps p - d = 4 activations on stage 0; the limit allows 3
        StageCosts c = StageCosts.builder(4).forward(1).backward(1).weight(1).activationMemory(1).memoryLimit(3.5)
                .build();
        // Execute
        PlanInfeasibleException e = assertThrows(PlanInfeasibleException.class,
                () -> PipelineSchedulers.get("1f1b").schedule(c, 8));
        // Assert
        assertTrue(e.getMessage().contains("schedule 1f1b") && e.getMessage().contains("stage 0 needs 4")
                && e.getMessage().contains("by 0.5"), e.getMessage());
    }

    @Test
    void schedulersArePureFunctions() {
        StageCosts c = StageCosts.builder(4).forward(1, 2, 1, 1.5).backward(2, 3, 2, 2).weight(1, 1, 2, 1)
                .p2pTime(0.1).build();
        for (String name : PipelineSchedulers.names()) {
            PipelineScheduler s = PipelineSchedulers.get(name);
            Schedule a = s.schedule(c, 8, s.defaultChunks());
            Schedule b = s.schedule(c, 8, s.defaultChunks());
            assertEquals(a.allOps(), b.allOps(), name);
            assertEquals(name, a.name());
        }
    }

    @Test
    void everyScheduleRespectsDependenciesOnUnevenStagesWithCommunication() {
        // Prepare
        StageCosts c = StageCosts.builder(4).forward(1, 2, 1, 1.5).backward(2, 3, 2, 2).weight(1, 1, 2, 1)
                .p2pTime(0.3).deviceSpeed(1, 1.5, 1, 0.8).build();
        for (String name : PipelineSchedulers.names()) {
            PipelineScheduler s = PipelineSchedulers.get(name);
            Schedule sch = s.schedule(c, 8, s.defaultChunks());
            // Execute
            Timeline t = TimelineSimulator.simulate(sch, c);
            // Assert
            TimelineChecks.assertConsistent(sch, c, t);
        }
    }

    @Test
    void peakInFlightGivesEachScheduleItsMemoryPattern() {
        assertEquals(List.of(4.0, 3.0, 2.0, 1.0), boxed(PipelineSchedulers.peakInFlight("1f1b", 4, 8, 1)));
        assertEquals(List.of(8.0, 8.0, 8.0, 8.0), boxed(PipelineSchedulers.peakInFlight("gpipe", 4, 8, 1)));
        assertEquals(4.0, PipelineSchedulers.peakInFlight("zb-h1", 4, 8, 1)[0], 1e-12);
    }

    private static List<Double> boxed(double[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
