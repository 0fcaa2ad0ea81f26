package org.dml4j.sim.network;

import java.nio.file.Path;
import org.dml4j.core.SeedTree;

/**
 * Provider of {@code [network] type = "fleet"} ({@link FleetNetworkConfig}). A client's base bandwidths are
 * log-uniform draws from {@code seeds.child("network").child("uplink"|"downlink").child(id)}, its latency a uniform
 * draw from {@code ...child("latency").child(id)}, and its changes over time come from
 * {@code ...child("uplink-variation"|"downlink-variation").child(id)}: the same client gets the same links in every
 * run with the same seed, whatever else is simulated. Stateless.
 */
public final class FleetNetworkProvider implements NetworkProvider {
    @Override
    public String name() {
        return "fleet";
    }

    @Override
    public Class<? extends NetworkConfig> configType() {
        return FleetNetworkConfig.class;
    }

    @Override
    public NetworkTopology create(NetworkConfig config, int clients, SeedTree seeds, Path baseDir) {
        FleetNetworkConfig c = (FleetNetworkConfig) config;
        NetworkChecks.checkContext(clients, seeds);
        SeedTree net = seeds.child("network");
        SeedTree up = net.child("uplink");
        SeedTree down = net.child("downlink");
        SeedTree lat = net.child("latency");
        SeedTree upVar = net.child("uplink-variation");
        SeedTree downVar = net.child("downlink-variation");
        double sigma = c.variability();
        double period = c.changePeriodS();
        Topology.Builder b = Topology.builder(clients)
                .clients(n -> link(logUniform(up.child(n), c.uplinkMinMbps(), c.uplinkMaxMbps()), sigma, period,
                                upVar.child(n)),
                        n -> link(logUniform(down.child(n), c.downlinkMinMbps(), c.downlinkMaxMbps()), sigma, period,
                                downVar.child(n)),
                        n -> (c.latencyMinMs() + lat.child(n).random().nextDouble()
                                * (c.latencyMaxMs() - c.latencyMinMs())) / 1e3)
                .server(BandwidthProfile.constant(BandwidthProfile.mbps(c.serverEgressMbps())),
                        BandwidthProfile.constant(BandwidthProfile.mbps(c.serverIngressMbps())),
                        c.serverLatencyMs() / 1e3);
        NetworkChecks.apply(b, clients, c.regions(), c.serverRegion(), c.links());
        return b.build();
    }

    /** A draw whose logarithm is uniform between log(min) and log(max), in Mb/s. */
    static double logUniform(SeedTree node, double min, double max) {
        double u = node.random().nextDouble();
        return Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
    }

    private static BandwidthProfile link(double mbps, double sigma, double period, SeedTree variation) {
        double bps = BandwidthProfile.mbps(mbps);
        return sigma == 0 ? BandwidthProfile.constant(bps) : new GeneratedBandwidth(bps, sigma, period, variation);
    }
}
