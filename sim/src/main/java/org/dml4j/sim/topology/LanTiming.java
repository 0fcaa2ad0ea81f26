package org.dml4j.sim.topology;

import org.dml4j.fl.hier.EdgeTiming;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * The virtual time of an edge round on the edge's LAN ({@link SiteTopology#lan(int, int[], double, int)}): every
 * client's download starts at once and shares the edge's capacity max-min fairly on a {@link FluidNetwork}; a client
 * trains for its steps times its device's seconds per step once its download has arrived (no time without a device
 * model), then uploads; the round ends when the last upload has arrived. When a client's machine hosts the edge
 * ({@code [topology] edge-host}), its own transfers do not cross the network and the other clients share the host's
 * access link. Each round runs on a fresh engine whose clock starts at 0, on the links in force at the start of the
 * cloud round ({@code link-changes} take effect at the next cloud round; LAN transfers never share a link with the
 * WAN).
 *
 * <p>Immutable and thread-safe: each call builds its own engine.
 */
public final class LanTiming implements EdgeTiming {
    private final SiteTopology sites;
    private final DeviceModel devices;
    private final int[] hosts;

    /**
     * @param sites   the sites
     * @param edgeOf  each client's edge (checked: every edge has a client)
     * @param devices the clients' devices, or null for training that takes no time
     */
    public LanTiming(SiteTopology sites, int[] edgeOf, DeviceModel devices) {
        this(sites, devices, null);
        Hierarchy.groups(edgeOf, sites.sites());
    }

    /**
     * @param sites   the sites
     * @param devices the clients' devices, or null for training that takes no time
     * @param hosts   each edge's host client ({@link Placement}), or null for dedicated edges
     */
    public LanTiming(SiteTopology sites, DeviceModel devices, int[] hosts) {
        this.sites = sites;
        this.devices = devices;
        this.hosts = hosts == null ? null : hosts.clone();
        if (devices != null && devices.clients() != sites.clients()) {
            throw new IllegalArgumentException("the device model has " + devices.clients() + " clients, the"
                    + " topology " + sites.clients());
        }
        if (this.hosts != null && this.hosts.length != sites.sites()) {
            throw new IllegalArgumentException(this.hosts.length + " edge hosts for " + sites.sites() + " sites");
        }
    }

    @Override
    public double roundSeconds(int edge, int[] clients, long[] downBytes, int[] steps, long[] upBytes) {
        return roundSeconds(edge, clients, downBytes, steps, upBytes, 0);
    }

    @Override
    public double roundSeconds(int edge, int[] clients, long[] downBytes, int[] steps, long[] upBytes,
                               double atSeconds) {
        int host = hosts == null ? -1 : hosts[edge];
        EventEngine engine = new EventEngine(4 * clients.length + 4);
        FluidNetwork net = new FluidNetwork(engine, sites.lan(edge, clients, atSeconds, host));
        double[] end = {0};
        for (int i = 0; i < clients.length; i++) {
            int node = i;
            boolean local = clients[node] == host;
            Runnable train = () -> {
                double compute = devices == null ? 0 : steps[node] * devices.secondsPerStep(clients[node]);
                engine.scheduleAfter(compute, a -> {
                    if (upBytes[node] > 0 && !local) {
                        net.send(node, NetworkTopology.SERVER, upBytes[node], b -> end[0] = Math.max(end[0],
                                engine.now()), node);
                    } else {
                        end[0] = Math.max(end[0], engine.now());
                    }
                }, node);
            };
            if (local) {
                train.run();
            } else {
                net.send(NetworkTopology.SERVER, node, downBytes[node], arg -> train.run(), node);
            }
        }
        engine.run();
        return end[0];
    }

    /** @return the sites */
    public SiteTopology sites() {
        return sites;
    }

    /** @return each edge's host client (a copy), or null for dedicated edges */
    public int[] hosts() {
        return hosts == null ? null : hosts.clone();
    }
}
