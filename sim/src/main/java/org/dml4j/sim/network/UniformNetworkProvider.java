package org.dml4j.sim.network;

import java.nio.file.Path;
import org.dml4j.core.SeedTree;

/** Provider of {@code [network] type = "uniform"} ({@link UniformNetworkConfig}). Stateless. */
public final class UniformNetworkProvider implements NetworkProvider {
    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public Class<? extends NetworkConfig> configType() {
        return UniformNetworkConfig.class;
    }

    @Override
    public NetworkTopology create(NetworkConfig config, int clients, SeedTree seeds, Path baseDir) {
        UniformNetworkConfig c = (UniformNetworkConfig) config;
        NetworkChecks.checkContext(clients, seeds);
        BandwidthProfile up = c.uplinkTrace() != null ? NetworkChecks.trace(c.uplinkTrace(), baseDir, c.loopTraces())
                : BandwidthProfile.constant(BandwidthProfile.mbps(c.uplinkMbps()));
        BandwidthProfile down = c.downlinkTrace() != null
                ? NetworkChecks.trace(c.downlinkTrace(), baseDir, c.loopTraces())
                : BandwidthProfile.constant(BandwidthProfile.mbps(c.downlinkMbps()));
        double latency = c.latencyMs() / 1e3;
        Topology.Builder b = Topology.builder(clients)
                .clients(n -> up, n -> down, n -> latency)
                .server(BandwidthProfile.constant(BandwidthProfile.mbps(c.serverEgressMbps())),
                        BandwidthProfile.constant(BandwidthProfile.mbps(c.serverIngressMbps())),
                        c.serverLatencyMs() / 1e3);
        NetworkChecks.apply(b, clients, c.regions(), c.serverRegion(), c.links());
        return b.build();
    }
}
