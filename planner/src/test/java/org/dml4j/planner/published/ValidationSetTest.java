package org.dml4j.planner.published;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dml4j.planner.Evaluation;
import org.dml4j.planner.Plan;
import org.dml4j.planner.published.PublishedRuns.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The validation set: published runs that no fitted factor has seen (Narayanan et al., SC 2021, Table 2: PTD-P and
 * ZeRO-3 rows; Korthikanti et al., MLSys 2023: the 2240-GPU 530B run; the Megatron-LM README's H100 table, even
 * rows; Dubey et al. 2024, Table 4). Every row must be predicted within the goal of 10% of its published TFLOP/s or
 * MFU, except rows documented as misses, which must stay inside their documented band (so a fix or a regression
 * shows). The table with every row's error is in {@code docs/planner.md}.
 */
class ValidationSetTest {
    private static final List<Run> SEEN = new ArrayList<>();
    private static final List<Plan> PLANS = new ArrayList<>();

    static Stream<Run> rows() {
        return PublishedRuns.load("validation").stream();
    }

    @ParameterizedTest(name = "validation {0}")
    @MethodSource("rows")
    void validationRowWithinItsTolerance(Run r) {
        PublishedRuns.check(r, SEEN, PLANS);
    }

    @ParameterizedTest(name = "validation {0} in MFU points")
    @MethodSource("rows")
    void validationRowWithinThreeMfuPoints(Run r) {
        // the goal's second reading: TFLOP/s rows are converted with the plan's model-to-executed FLOP ratio
        if (!r.meetsGoal()) {
            return; // a documented miss keeps only its documented band
        }
        Plan p = PublishedRuns.predict(r);
        double points = r.pointsError(p);
        assertTrue(Math.abs(points) <= PublishedRuns.GOAL_POINTS, String.format(java.util.Locale.ROOT,
                "%s: %+.1f MFU points (%s)", r.id(), 100 * points, p.config().label()));
    }

    @Test
    void validationSetSpansTheStacksTheIssueNames() {
        List<Run> rows = rows().toList();

        assertTrue(rows.stream().anyMatch(r -> r.stack().equals("megatron-2021")), "Megatron PTD-P");
        assertTrue(rows.stream().anyMatch(r -> r.how().contains("zero=3")), "ZeRO-3");
        assertTrue(rows.stream().anyMatch(r -> r.how().contains("recompute=selective,sp=true")), "SP + selective");
        assertTrue(rows.stream().anyMatch(r -> r.cluster().startsWith("dgx-h100")), "H100");
        assertTrue(rows.stream().filter(Run::meetsGoal).count() >= rows.size() - 2, "at most two documented misses");
        for (Run v : rows) {
            assertTrue(PublishedRuns.load("calibration").stream().noneMatch(c -> c.id().equals(v.id())),
                    v.id() + " is also a calibration row");
        }
    }

    @Test
    void validationLlama3RowsRanWithoutRecomputationWhichDml4jsMemoryModelDoesNotFit() {
        // Dubey et al. 2024, section 3.3.2: "we could pre-train Llama 3 on sequences of 8K tokens without activation
        // checkpointing" on 80 GB H100s. dml4j's memory model (Megatron-LM's interleaved schedule, ZeRO-1 gradients,
        // Korthikanti's per-layer bytes) needs more; the rows' throughput is predicted as run, and this test keeps the
        // disagreement visible: when the memory model learns what Meta's stack saves, it fails and docs/planner.md
        // changes with it.
        List<Run> asRun = rows().filter(r -> r.how().startsWith(PublishedRuns.AS_RUN)).toList();

        assertEquals(2, asRun.size());
        for (Run r : asRun) {
            Evaluation e = PublishedRuns.memoryVerdict(r);
            Evaluation.Infeasible inf = assertInstanceOf(Evaluation.Infeasible.class, e, r.id());
            assertTrue(inf.needBytes() > inf.limitBytes() && inf.needBytes() < 1.25 * inf.limitBytes(),
                    r.id() + ": " + inf.reason());
        }
    }

    @AfterAll
    static void writeTable() {
        PublishedRuns.report("validation", SEEN, PLANS);
    }
}
