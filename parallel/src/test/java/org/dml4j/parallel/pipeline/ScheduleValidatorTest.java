package org.dml4j.parallel.pipeline;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dml4j.core.PlanInfeasibleException;
import org.junit.jupiter.api.Test;

/** Hand-made schedules: the validator accepts the good ones and names the fault in the bad ones. */
class ScheduleValidatorTest {
    private static final StageCosts TWO = StageCosts.uniform(2, 1, 1, 1);

    private static Schedule two(List<Op> d0, List<Op> d1, int m) {
        return Schedule.of("hand", m, 1, ChunkLayout.INTERLEAVED, List.of(d0, d1));
    }

    @Test
    void acceptsAHandMade1f1b() {
        // Prepare: p = 2, m = 2, 1F1B by hand
        Schedule s = two(List.of(Op.f(0, 0), Op.f(0, 1), Op.bw(0, 0), Op.bw(0, 1)),
                List.of(Op.f(0, 0), Op.bw(0, 0), Op.f(0, 1), Op.bw(0, 1)), 2);
        // Execute
        Timeline t = TimelineSimulator.simulate(s, TWO);
        // Assert
        assertEquals(ClosedForms.oneFOneB(2, 2, 1, 1, 1), t.iterationTime(), 1e-12);
    }

    @Test
    void rejectsAMissingForward() {
        Schedule s = two(List.of(Op.f(0, 0), Op.bw(0, 0)), List.of(Op.bw(0, 0)), 1);
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                () -> ScheduleValidator.validate(s, TWO));
        assertTrue(e.getMessage().contains("device 1") && e.getMessage().contains("never runs F#0"),
                e.getMessage());
    }

    @Test
    void rejectsADuplicate() {
        Schedule s = two(List.of(Op.f(0, 0), Op.f(0, 0), Op.bw(0, 0)), List.of(Op.f(0, 0), Op.bw(0, 0)), 1);
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                () -> ScheduleValidator.validate(s, TWO));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void rejectsBackwardBeforeForwardOnTheSameDevice() {
        Schedule s = two(List.of(Op.bw(0, 0), Op.f(0, 0)), List.of(Op.f(0, 0), Op.bw(0, 0)), 1);
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                () -> ScheduleValidator.validate(s, TWO));
        assertTrue(e.getMessage().contains("device 0") && e.getMessage().contains("before its forward"),
                e.getMessage());
    }

    @Test
    void rejectsWBeforeB() {
        Schedule s = two(List.of(Op.f(0, 0), Op.w(0, 0), Op.b(0, 0)), List.of(Op.f(0, 0), Op.b(0, 0), Op.w(0, 0)),
                1);
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                () -> ScheduleValidator.validate(s, TWO));
        assertTrue(e.getMessage().contains("W#0") && e.getMessage().contains("before its B"), e.getMessage());
    }

    @Test
    void rejectsAFusedAndASplitBackwardTogether() {
        Schedule s = two(List.of(Op.f(0, 0), Op.bw(0, 0), Op.w(0, 0)), List.of(Op.f(0, 0), Op.bw(0, 0)), 1);
        assertThrows(InvalidScheduleException.class, () -> ScheduleValidator.validate(s, TWO));
    }

    @Test
    void rejectsACrossDeviceCycle() {
        // Prepare: waiting is fine (device 0 sends F#1 early, device 1 takes it after B#0)...
        Schedule s = two(List.of(Op.f(0, 0), Op.f(0, 1), Op.bw(0, 0), Op.bw(0, 1)),
                List.of(Op.f(0, 0), Op.bw(0, 0), Op.f(0, 1), Op.bw(0, 1)), 2);
        assertDoesNotThrow(() -> ScheduleValidator.validate(s, TWO));
        // ...but here device 0 holds F#1 back until B#0 returns, while device 1 wants F#1 before it runs B#0
        Schedule cyc2 = two(List.of(Op.f(0, 0), Op.bw(0, 0), Op.f(0, 1), Op.bw(0, 1)),
                List.of(Op.f(0, 0), Op.f(0, 1), Op.bw(0, 0), Op.bw(0, 1)), 2);
        assertThrows(InvalidScheduleException.class, () -> ScheduleValidator.validate(cyc2, TWO));
        Schedule cyc = two(List.of(Op.f(0, 0), Op.bw(0, 0), Op.f(0, 1), Op.bw(0, 1)),
                List.of(Op.f(0, 1), Op.f(0, 0), Op.bw(0, 0), Op.bw(0, 1)), 2);
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                () -> ScheduleValidator.validate(cyc, TWO));
        assertTrue(e.getMessage().contains("cycle") && e.getMessage().contains("device 0")
                && e.getMessage().contains("device 1"), e.getMessage());
    }

    @Test
    void rejectsAChunkOrMicrobatchOutOfRange() {
        Schedule chunk = two(List.of(Op.f(1, 0), Op.bw(0, 0)), List.of(Op.f(0, 0), Op.bw(0, 0)), 1);
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                () -> ScheduleValidator.validate(chunk, TWO));
        assertTrue(e.getMessage().contains("chunk 1") && e.getMessage().contains("v = 1"), e.getMessage());
        Schedule mb = two(List.of(Op.f(0, 0), Op.bw(0, 3)), List.of(Op.f(0, 0), Op.bw(0, 0)), 1);
        e = assertThrows(InvalidScheduleException.class, () -> ScheduleValidator.validate(mb, TWO));
        assertTrue(e.getMessage().contains("micro-batch 3") && e.getMessage().contains("m = 1"), e.getMessage());
    }

    @Test
    void rejectsAMemoryOverrunNamingTheStageAndTheExcess() {
        // Prepare: GPipe order with m = 4 holds 4 activations of 2.5 each plus 3 static on each device
        StageCosts c = StageCosts.builder(2).forward(1).backward(1).weight(1).activationMemory(2.5)
                .staticMemory(3).memoryLimit(12, 20).build();
        List<Op> d0 = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            d0.add(Op.f(0, j));
        }
        for (int j = 0; j < 4; j++) {
            d0.add(Op.bw(0, j));
        }
        Schedule s = two(d0, d0, 4);
        // Execute
        PlanInfeasibleException e = assertThrows(PlanInfeasibleException.class,
                () -> ScheduleValidator.validate(s, c));
        // Assert: needs 3 + 4 * 2.5 = 13 > 12 on stage 0, by 1
        assertTrue(e.getMessage().contains("stage 0") && e.getMessage().contains("needs 13")
                && e.getMessage().contains("limit 12 by 1"), e.getMessage());
    }

    @Test
    void rejectsCostsForAnotherStageCount() {
        Schedule s = two(List.of(Op.f(0, 0), Op.bw(0, 0)), List.of(Op.f(0, 0), Op.bw(0, 0)), 1);
        assertThrows(IllegalArgumentException.class,
                () -> ScheduleValidator.validate(s, StageCosts.uniform(3, 1, 1, 1)));
    }

    @Test
    void splitBackwardFreesMemoryInTwoSteps() {
        // Prepare: F0 B0 F1 W0 B1 W1 with a quarter of the activation kept from B until W
        StageCosts c = StageCosts.builder(1).forward(1).backward(1).weight(1).activationMemory(4)
                .weightMemoryFraction(0.25).build();
        Schedule s = Schedule.of("one", 2, 1, ChunkLayout.INTERLEAVED,
                List.of(List.of(Op.f(0, 0), Op.b(0, 0), Op.f(0, 1), Op.w(0, 0), Op.b(0, 1), Op.w(0, 1))));
        // Execute
        MemoryProfile mem = MemoryProfile.of(s, c);
        // Assert: live units 1, 0.25, 1.25, 1, 0.25, 0 -> peak 1.25 * 4 = 5
        assertEquals(5, mem.peak(0), 1e-12);
        assertEquals(1.25, mem.peakInFlight(0), 1e-12);
    }
}
