package org.dml4j.fl.xregion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecoControllerTest {
    private static final double[] RATIOS = {1, 0.1, 0.01};
    private static final long[] BYTES = {4_000_000, 800_000, 80_000}; // a 1 M-parameter model, Top-k at 8 B/value

    private final DecoController controller = new DecoController(RATIOS, 4, 0.1, 0.1);

    @Test
    void fastLinksNeedNeitherDelayNorCompression() {
        DecoController.Choice c = controller.choose(new DecoController.Links(0.1, 0, 1e-4, 10e9), BYTES);
        assertEquals(0, c.staleness());
        assertEquals(1.0, c.ratio());
        assertEquals(0.1, c.stepSeconds(), 1e-3, "compute-bound");
    }

    @Test
    void slowLinksCompressAndLongLatencyAddsStaleness() {
        // 10 Mb/s: a dense message takes 3.2 s against 0.1 s of compute, so compression pays
        DecoController.Choice bw = controller.choose(new DecoController.Links(0.1, 0, 1e-4, 1.25e6), BYTES);
        assertTrue(bw.ratio() < 1, bw.toString());
        assertTrue(bw.stepSeconds() < 0.2, "the compressed message is hidden behind compute: " + bw);
        // 1 Gb/s but 0.5 s one way: the message is cheap, the latency is hidden by delay
        DecoController.Choice lat = controller.choose(new DecoController.Links(0.1, 0, 0.5, 125e6), BYTES);
        assertTrue(lat.staleness() >= 2, lat.toString());
        assertTrue(lat.cost() < new DecoController(RATIOS, 0, 0.1, 0.1).choose(new DecoController.Links(0.1, 0, 0.5,
                125e6), BYTES).cost(), "delay lowers the estimated time when latency dominates");
    }

    @Test
    void penaltyGrowsExponentiallyWithStalenessUnderCompression() {
        double r1 = controller.penalty(1, 0.01) / controller.penalty(0, 0.01);
        double r4 = controller.penalty(4, 0.01) / controller.penalty(3, 0.01);
        assertTrue(r4 > 1 && r1 > 1);
        assertEquals(1.0, controller.penalty(0, 1.0));
        assertTrue(controller.penalty(2, 0.01) / controller.penalty(2, 1.0) > controller.penalty(0, 0.01),
                "staleness amplifies the compression term");
    }

    @Test
    void badSettingsNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DecoController(new double[] {0}, 1, 0.1, 0.1));
        assertTrue(e.getMessage().contains("ratios") && e.getMessage().contains("0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DecoController(RATIOS, -1, 0.1, 0.1));
        assertTrue(e.getMessage().contains("max-staleness"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DecoController(RATIOS, 1, -1, 0.1));
        assertTrue(e.getMessage().contains("staleness-cost"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DecoController.Links(0.1, 0, 0, 0));
        assertTrue(e.getMessage().contains("B/s"), e.getMessage());
    }
}
