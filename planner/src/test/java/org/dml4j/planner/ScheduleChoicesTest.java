package org.dml4j.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.model.ModelPresets;
import org.junit.jupiter.api.Test;

/** The controllable-memory and DualPipeV schedules in the planner: evaluated, searched, memory in their order. */
class ScheduleChoicesTest {
    private static final PlanRequest REQ = PlanRequest.of(ModelPresets.get("megatron-39.1b"),
            ClusterPresets.get("dgx-a100:8"), 512);

    private static Plan eval(String schedule) {
        return Planner.evaluate(REQ, ConfigText.parse("tp=8,pp=4,mb=1,schedule=" + schedule + ",v=2,recompute=none,"
                + "zero=1,sp=true", 64));
    }

    @Test
    void vMinHoldsLessThanVHalfWhichHoldsLessThanZbV() {
        Plan min = eval("v-min");
        Plan half = eval("v-half");
        Plan zbv = eval("zb-v");
        Plan dual = eval("dualpipev");

        assertTrue(min.memory().activations() < half.memory().activations(), min.summary() + " / " + half.summary());
        assertTrue(half.memory().activations() < zbv.memory().activations(), half.summary() + " / " + zbv.summary());
        assertTrue(zbv.memory().activations() < dual.memory().activations(), "DualPipeV holds PP + 1 chunks");
        assertTrue(zbv.iterationSeconds() <= min.iterationSeconds(), "V-Min pays for its memory in bubble");
    }

    @Test
    void searchConsidersThemWhenAsked() {
        PlanRequest req = REQ.withSpace(SearchSpace.defaults().withPipelineParallel(List.of(4))
                .withSchedules(List.of("v-half", "v-min", "dualpipev")));

        SearchResult r = Planner.search(req, 3);

        for (Plan p : r.plans()) {
            assertTrue(List.of("v-half", "v-min", "dualpipev").contains(p.config().schedule()), p.summary());
            assertEquals(2, p.config().chunks());
        }
    }
}
