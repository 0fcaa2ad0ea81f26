package org.dml4j.parallel.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

/** Independent checks of a simulated timeline against the dependency rules. */
final class TimelineChecks {
    private TimelineChecks() {
    }

    static void assertConsistent(Schedule s, StageCosts c, Timeline t) {
        int p = s.devices();
        int v = s.chunks();
        Map<String, Double> end = new HashMap<>();
        Map<String, Double> begin = new HashMap<>();
        for (int d = 0; d < p; d++) {
            double prev = 0;
            for (int i = 0; i < s.size(d); i++) {
                Op o = s.op(d, i);
                int k = s.layout().virtualStage(d, o.chunk(), p);
                String slot = o.kind() == OpKind.BW ? "B" : o.kind().label();
                assertTrue(t.start(d, i) >= prev - 1e-9, "overlap on device " + d);
                double speed = c.deviceSpeed(d) * v;
                double dur = switch (o.kind()) {
                    case F -> c.forward(d) / speed;
                    case B -> c.backward(d) / speed;
                    case W -> c.weight(d) / speed;
                    case BW -> (c.backward(d) + c.weight(d)) / speed;
                };
                assertEquals(dur, t.finish(d, i) - t.start(d, i), 1e-9);
                prev = t.finish(d, i);
                end.put(slot + k + "/" + o.microbatch(), t.finish(d, i));
                begin.put(slot + k + "/" + o.microbatch(), t.start(d, i));
            }
        }
        int stages = p * v;
        for (int k = 0; k < stages; k++) {
            for (int j = 0; j < s.microbatches(); j++) {
                double comm = k + 1 < stages
                        && s.layout().device(k, p) != s.layout().device(k + 1, p) ? c.p2pTime() : 0;
                if (k + 1 < stages) {
                    assertTrue(begin.get("F" + (k + 1) + "/" + j) >= end.get("F" + k + "/" + j) + comm - 1e-9);
                    assertTrue(begin.get("B" + k + "/" + j) >= end.get("B" + (k + 1) + "/" + j) + comm - 1e-9);
                }
                assertTrue(begin.get("B" + k + "/" + j) >= end.get("F" + k + "/" + j) - 1e-9);
                if (begin.containsKey("W" + k + "/" + j)) {
                    assertTrue(begin.get("W" + k + "/" + j) >= end.get("B" + k + "/" + j) - 1e-9);
                }
            }
        }
        assertEquals(t.iterationTime(), t.criticalPathCompute() + t.criticalPathCommunication(), 1e-9);
    }
}
