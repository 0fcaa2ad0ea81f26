package org.dml4j.parallel.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Timeline metrics: bubbles, critical-path communication, heterogeneous speeds. */
class TimelineTest {
    @Test
    void communicationOnTheCriticalPathOf1f1b() {
        // Prepare: the first micro-batch crosses p - 1 links down and p - 1 back up; with small transfers the
        // pipeline fill and drain carry all of it
        int p = 4;
        int m = 8;
        double c = 0.1;
        StageCosts costs = StageCosts.builder(p).forward(1).backward(2).weight(0).p2pTime(c).build();
        // Execute
        Timeline t = PipelineSchedulers.simulate("1f1b", costs, m, 1);
        Timeline noComm = PipelineSchedulers.simulate("1f1b", StageCosts.uniform(p, 1, 2, 0), m, 1);
        // Assert
        assertEquals(0, noComm.criticalPathCommunication(), 1e-12);
        assertTrue(t.criticalPathCommunication() >= 2 * (p - 1) * c - 1e-9, "" + t.criticalPathCommunication());
        assertEquals(t.iterationTime(), t.criticalPathCompute() + t.criticalPathCommunication(), 1e-9);
        assertEquals(noComm.iterationTime() + t.criticalPathCommunication(), t.iterationTime(), 1e-9);
        assertEquals(t.criticalPathTransfers() * c, t.criticalPathCommunication(), 1e-9);
    }

    @Test
    void slowDeviceStretchesItsStage() {
        // Prepare: device 1 at half speed doubles its stage time
        StageCosts slow = StageCosts.builder(2).forward(1).backward(1).weight(1).deviceSpeed(1, 0.5).build();
        StageCosts same = StageCosts.builder(2).forward(1, 2).backward(1, 2).weight(1, 2).build();
        // Execute
        Timeline a = PipelineSchedulers.simulate("1f1b", slow, 6, 1);
        Timeline b = PipelineSchedulers.simulate("1f1b", same, 6, 1);
        // Assert
        assertEquals(b.iterationTime(), a.iterationTime(), 1e-12);
        assertEquals(36, a.idealTime(), 1e-12);
        assertEquals(a.busyTime(1), 36, 1e-12);
    }

    @Test
    void bubbleFractionIsTheIdleShareOfTheTimeline() {
        Timeline t = PipelineSchedulers.simulate("gpipe", StageCosts.uniform(4, 1, 1, 1), 4, 1);
        // 4 devices x 21 time units, 12 busy each
        assertEquals(1 - 48.0 / 84, t.bubbleFraction(), 1e-12);
        assertEquals(9, t.idleTime(2), 1e-12);
    }

    @Property(tries = 30)
    void everyScheduleIsConsistentOnRandomCosts(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int p = 1 + r.nextInt(6);
        int m = p * (1 + r.nextInt(3));
        double[] f = new double[p];
        double[] b = new double[p];
        double[] w = new double[p];
        double[] speed = new double[p];
        for (int d = 0; d < p; d++) {
            f[d] = r.nextDouble() * 2;
            b[d] = r.nextDouble() * 2;
            w[d] = r.nextDouble();
            speed[d] = 0.5 + r.nextDouble();
        }
        StageCosts c = StageCosts.builder(p).forward(f).backward(b).weight(w).deviceSpeed(speed)
                .p2pTime(r.nextDouble() * 0.5).build();
        for (String name : PipelineSchedulers.names()) {
            PipelineScheduler s = PipelineSchedulers.get(name);
            int v = s.defaultChunks();
            // DualPipeV needs m >= 2p; give it twice the micro-batches when m is short
            Schedule sch = s.schedule(c, name.equals("dualpipev") ? Math.max(m, 2 * p) : m, v);
            TimelineChecks.assertConsistent(sch, c, TimelineSimulator.simulate(sch, c));
        }
    }
}
