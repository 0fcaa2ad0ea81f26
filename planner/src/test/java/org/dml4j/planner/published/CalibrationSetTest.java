package org.dml4j.planner.published;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dml4j.planner.Plan;
import org.dml4j.planner.published.PublishedRuns.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The calibration set: the published runs the cost model's factors are fitted on (A100 efficiency on Narayanan et
 * al., SC 2021, Table 1 with Megatron-LM's own {@code run_table_1.sh} settings; the {@code megatron-core} compute
 * factor on Korthikanti et al., MLSys 2023, Table 5; the H100 efficiency on the odd rows of the Megatron-LM README's
 * H100 table; the ZeRO-3 bandwidth efficiency and chunk half-size on the GPT-3 175B ZeRO-3 rows of SC 2021 Table
 * 2). These errors are in-sample: they show the fit, not how well the model generalises ({@link ValidationSetTest}).
 */
class CalibrationSetTest {
    private static final List<Run> SEEN = new ArrayList<>();
    private static final List<Plan> PLANS = new ArrayList<>();

    static Stream<Run> rows() {
        return PublishedRuns.load("calibration").stream();
    }

    @ParameterizedTest(name = "calibration {0}")
    @MethodSource("rows")
    void calibrationRowWithinItsTolerance(Run r) {
        PublishedRuns.check(r, SEEN, PLANS);
    }

    @AfterAll
    static void writeTable() {
        PublishedRuns.report("calibration", SEEN, PLANS);
    }
}
