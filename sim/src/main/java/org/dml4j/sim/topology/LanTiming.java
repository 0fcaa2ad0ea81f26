package org.dml4j.sim.topology;

import java.util.Arrays;
import org.dml4j.fl.hier.EdgeTiming;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * The virtual time of an edge round on the edge's LAN ({@link SiteTopology#lan}): every client's download starts at
 * once and shares the edge's capacity max-min fairly on a {@link FluidNetwork}; a client trains for its steps times
 * its device's seconds per step once its download has arrived (no time without a device model), then uploads; the
 * round ends when the last upload has arrived. Each round runs on a fresh engine whose clock starts at 0, which is
 * exact for the constant links of a {@link SiteTopology} (LAN transfers never share a link with the WAN).
 *
 * <p>Immutable and thread-safe: each call builds its own engine.
 */
public final class LanTiming implements EdgeTiming {
    private final SiteTopology sites;
    private final int[][] members;
    private final NetworkTopology[] lans;
    private final DeviceModel devices;

    /**
     * @param sites   the sites
     * @param edgeOf  each client's edge
     * @param devices the clients' devices, or null for training that takes no time
     */
    public LanTiming(SiteTopology sites, int[] edgeOf, DeviceModel devices) {
        this.sites = sites;
        this.members = Hierarchy.groups(edgeOf, sites.sites());
        this.devices = devices;
        if (devices != null && devices.clients() != sites.clients()) {
            throw new IllegalArgumentException("the device model has " + devices.clients() + " clients, the"
                    + " topology " + sites.clients());
        }
        lans = new NetworkTopology[members.length];
        for (int e = 0; e < lans.length; e++) {
            lans[e] = sites.lan(e, members[e]);
        }
    }

    @Override
    public double roundSeconds(int edge, int[] clients, long[] downBytes, int[] steps, long[] upBytes) {
        if (!Arrays.equals(clients, members[edge])) {
            throw new IllegalArgumentException("edge " + edge + " asks for clients " + Arrays.toString(clients)
                    + ", its group is " + Arrays.toString(members[edge]));
        }
        EventEngine engine = new EventEngine(4 * clients.length + 4);
        FluidNetwork net = new FluidNetwork(engine, lans[edge]);
        double[] end = {0};
        for (int i = 0; i < clients.length; i++) {
            int node = i;
            net.send(NetworkTopology.SERVER, node, downBytes[node], arg -> {
                double compute = devices == null ? 0 : steps[node] * devices.secondsPerStep(clients[node]);
                engine.scheduleAfter(compute, a -> {
                    if (upBytes[node] > 0) {
                        net.send(node, NetworkTopology.SERVER, upBytes[node], b -> end[0] = Math.max(end[0],
                                engine.now()), node);
                    } else {
                        end[0] = Math.max(end[0], engine.now());
                    }
                }, node);
            }, node);
        }
        engine.run();
        return end[0];
    }

    /** @return the sites */
    public SiteTopology sites() {
        return sites;
    }
}
