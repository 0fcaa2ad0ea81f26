package org.dml4j.parallel.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Simulated iteration times equal the published closed forms for equal stages and no communication. */
class ClosedFormsTest {
    private static final double EPS = 1e-9;
    private static final int[] PS = {1, 2, 3, 4, 5, 8};
    private static final List<double[]> TRIPLES = List.of(
            new double[] {1, 1, 1}, new double[] {1, 2, 1}, new double[] {2, 3, 1}, new double[] {1, 1, 2},
            new double[] {3, 1, 2}, new double[] {1, 2, 0});

    private static Timeline run(String name, int p, int m, int v, double f, double b, double w) {
        StageCosts c = StageCosts.uniform(p, f, b, w);
        return TimelineSimulator.simulate(PipelineSchedulers.get(name).schedule(c, m, v), c);
    }

    @Test
    void gpipeAnd1f1bMatchMPlusPMinusOne() {
        for (String name : List.of("gpipe", "1f1b")) {
            for (int p : PS) {
                for (int m = 1; m <= 3 * p + 1; m++) {
                    for (double[] t : TRIPLES) {
                        // Execute
                        Timeline tl = run(name, p, m, 1, t[0], t[1], t[2]);
                        // Assert
                        double expected = ClosedForms.oneFOneB(p, m, t[0], t[1], t[2]);
                        assertEquals(expected, tl.iterationTime(), EPS, name + " p=" + p + " m=" + m);
                        assertEquals((p - 1) * (t[0] + t[1] + t[2]), tl.bubbleTime(), EPS);
                        if (t[0] + t[1] + t[2] > 0) {
                            assertEquals((p - 1) / (double) m, tl.bubbleRatio(), EPS);
                        }
                    }
                }
            }
        }
    }

    @Test
    void interleavedDividesTheBubbleByV() {
        for (int p : PS) {
            for (int v = 2; v <= 4; v++) {
                for (int k = 1; k <= 4; k++) {
                    int m = k * p;
                    for (double[] t : TRIPLES) {
                        Timeline tl = run("interleaved", p, m, v, t[0], t[1], t[2]);
                        assertEquals(ClosedForms.interleaved(p, m, v, t[0], t[1], t[2]), tl.iterationTime(), EPS,
                                "p=" + p + " m=" + m + " v=" + v);
                        if (t[0] + t[1] + t[2] > 0) {
                            assertEquals((p - 1) / (double) (v * m), tl.bubbleRatio(), EPS);
                        }
                    }
                }
            }
        }
    }

    @Test
    void zbH1HasAThirdOfTheBubbleWhenPassesAreEqual() {
        for (int p : PS) {
            for (int m = p; m <= 3 * p + 2; m++) {
                for (double[] t : TRIPLES) {
                    Timeline tl = run("zb-h1", p, m, 1, t[0], t[1], t[2]);
                    assertEquals(ClosedForms.zbH1(p, m, t[0], t[1], t[2]), tl.iterationTime(), EPS,
                            "p=" + p + " m=" + m + " F,B,W=" + t[0] + "," + t[1] + "," + t[2]);
                }
                Timeline eq = run("zb-h1", p, m, 1, 1, 1, 1);
                Timeline base = run("1f1b", p, m, 1, 1, 1, 1);
                assertEquals(base.bubbleTime() / 3, eq.bubbleTime(), EPS);
            }
        }
    }

    @Test
    void zbH2AndZbVHaveNoBubbleWithPostValidation() {
        for (int p : PS) {
            for (int m = 2 * p - 1; m <= 4 * p; m++) {
                for (double f : new double[] {1, 0.5, 3}) {
                    Timeline h2 = run("zb-h2", p, m, 1, f, f, f);
                    assertEquals(ClosedForms.zbH2(p, m, f), h2.iterationTime(), EPS, "zb-h2 p=" + p + " m=" + m);
                    assertEquals(3 * m * f, h2.pipelinedIterationTime(), EPS);
                    assertEquals(0, h2.pipelinedBubbleRatio(), EPS);
                    Timeline zv = run("zb-v", p, m, 2, f, f, f);
                    assertEquals(ClosedForms.zbV(p, m, f), zv.iterationTime(), EPS, "zb-v p=" + p + " m=" + m);
                    assertEquals(3 * m * f, zv.pipelinedIterationTime(), EPS);
                }
            }
        }
    }

    @Test
    void adaptiveReachesTheSynchronousLowerBoundOnEqualStages() {
        // The last device cannot start before (p-1)F and has 3mF of work, so 3mF + (p-1)F is a lower bound; the
        // adaptive schedule (unlimited memory) reaches it, like ZB-H2.
        for (int p : PS) {
            for (int m = 2 * p - 1; m <= 3 * p; m += 2) {
                assertEquals(ClosedForms.zbH2(p, m, 1), run("adaptive", p, m, 1, 1, 1, 1).iterationTime(), EPS,
                        "p=" + p + " m=" + m);
            }
        }
    }

    @Test
    void closedFormLookupAgreesWithTheSimulatorWhereItApplies() {
        int checked = 0;
        for (String name : PipelineSchedulers.names()) {
            for (int p : new int[] {2, 4}) {
                for (int m : new int[] {4, 7, 8, 12}) {
                    for (int v = 1; v <= 2; v++) {
                        var form = ClosedForms.iterationTime(name, p, m, v, 1, 1, 1);
                        if (form.isEmpty()) {
                            continue;
                        }
                        assertEquals(form.getAsDouble(), run(name, p, m, v, 1, 1, 1).iterationTime(), EPS, name);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked >= 20, "checked " + checked);
    }

    @Test
    void peakInFlightMatchesThePublishedMemoryColumn() {
        // Prepare
        int p = 4;
        int m = 12;
        StageCosts c = StageCosts.builder(p).forward(1).backward(1).weight(1).activationMemory(1).build();
        // Execute / Assert: GPipe m, 1F1B p - d, ZB-H1 first stage p, ZB-H2 first stage 2p - 1, ZB-V p
        MemoryProfile gpipe = MemoryProfile.of(PipelineSchedulers.get("gpipe").schedule(c, m), c);
        MemoryProfile f1b1 = MemoryProfile.of(PipelineSchedulers.get("1f1b").schedule(c, m), c);
        MemoryProfile h1 = MemoryProfile.of(PipelineSchedulers.get("zb-h1").schedule(c, m), c);
        MemoryProfile h2 = MemoryProfile.of(PipelineSchedulers.get("zb-h2").schedule(c, m), c);
        MemoryProfile zv = MemoryProfile.of(PipelineSchedulers.get("zb-v").schedule(c, m), c);
        for (int d = 0; d < p; d++) {
            assertEquals(m, gpipe.peak(d), EPS);
            assertEquals(p - d, f1b1.peak(d), EPS);
            assertTrue(h1.peak(d) <= p + EPS);
            assertTrue(h2.peak(d) <= 2 * p - 1 + EPS);
            assertTrue(zv.peak(d) <= p + EPS, "zb-v device " + d + " " + zv.peak(d));
        }
        assertEquals(p, h1.peak(0), EPS);
        assertEquals(2 * p - 1, h2.peak(0), EPS);
    }
}
