package org.dml4j.sim.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dml4j.core.SeedTree;
import org.dml4j.fl.fedluck.FedLuckControl;
import org.dml4j.fl.fedluck.FedLuckControlConfig;
import org.dml4j.fl.fedluck.TimingEstimator;
import org.dml4j.sim.device.Availability;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.device.Devices;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.engine.EventHandler;
import org.dml4j.sim.network.BandwidthProfile;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.network.Topology;
import org.junit.jupiter.api.Test;

/**
 * FedLuck's alpha and beta measured in virtual time from the device model and the fluid network reproduce the
 * spec's setup: with step times 0.1 and 0.4 s and full-model upload times 1 and 10 s, the choices are the spec's
 * test vectors.
 */
class FedLuckTimingTest {
    @Test
    void alphaAndBetaMeasuredInVirtualTimeGiveTheSpecsChoices() {
        // Prepare: 4 clients; model 1,000,000 bytes; uplinks 1 MB/s or 0.1 MB/s (beta 1 s or 10 s), no latency
        long model = 1_000_000;
        double[] alpha = {0.1, 0.4, 0.1, 0.4};
        double[] up = {1e6, 1e6, 1e5, 1e5};
        EventEngine engine = new EventEngine();
        Topology t = Topology.builder(4)
                .clients(n -> BandwidthProfile.constant(up[n]), n -> BandwidthProfile.constant(1e9), n -> 0)
                .server(BandwidthProfile.constant(1e9), BandwidthProfile.constant(1e9), 0)
                .build();
        FluidNetwork net = new FluidNetwork(engine, t);
        DeviceModel devices = new Devices(4, n -> alpha[n], Availability.always(), 0, SeedTree.root(1));
        TimingEstimator est = new TimingEstimator(model);
        FedLuckControl control = new FedLuckControl(FedLuckControlConfig.defaults());
        double[] uploadStart = new double[4];
        EventHandler uploaded = c -> est.recordUpload((int) c, (long) (0.3 * model),
                engine.now() - uploadStart[(int) c]);
        EventHandler computed = c -> {
            uploadStart[(int) c] = engine.now();
            net.send((int) c, NetworkTopology.SERVER, (long) (0.3 * model), uploaded, c);
        };

        // Execute: one probe task per client (10 steps, ratio 0.3, all at once: they share nothing but the ingress)
        for (int c = 0; c < 4; c++) {
            DeviceModel.TaskPlan p = devices.plan(c, 0, 0, 10);
            est.recordCompute(c, 10, p.computeSeconds());
            engine.schedule(p.end(), computed, c);
        }
        engine.run();

        // Assert
        int[][] expected = {{18, 100}, {5, 100}, {13, 7}, {3, 7}};
        for (int c = 0; c < 4; c++) {
            assertEquals(alpha[c], est.alpha(c), 1e-15);
            assertEquals(model / up[c], est.beta(c), 1e-9);
            FedLuckControl.Choice ch = control.choose(est.alpha(c), est.beta(c));
            assertEquals(expected[c][0], ch.localSteps(), "client " + c);
            assertEquals(expected[c][1] / 100.0, ch.ratio(), 0.0, "client " + c);
        }
    }
}
