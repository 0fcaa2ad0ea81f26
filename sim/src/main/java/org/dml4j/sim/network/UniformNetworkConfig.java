package org.dml4j.sim.network;

/**
 * Configuration of {@code [network] type = "uniform"}: every client has the same links (each its own, shared only
 * with its own transfers), optionally varying over time from a trace file.
 *
 * @param uplinkMbps        each client's uplink, Mb/s, &gt; 0 (a trace's values replace it)
 * @param downlinkMbps      each client's downlink, Mb/s, &gt; 0
 * @param latencyMs         each client's one-way latency to the core, ms, &gt;= 0
 * @param uplinkTrace       a {@code time,bandwidth} CSV (seconds, Mb/s) every client's uplink follows, or null
 * @param downlinkTrace     the same for downlinks, or null
 * @param loopTraces        repeat the traces after their end
 * @param serverIngressMbps the server's downlink, shared by all uploads, Mb/s, &gt; 0
 * @param serverEgressMbps  the server's uplink, shared by all downloads, Mb/s, &gt; 0
 * @param serverLatencyMs   the server's one-way latency to the core, ms, &gt;= 0
 * @param regions           regions sharing WAN links, or empty
 * @param serverRegion      the name of the server's region, or null (outside every region)
 * @param links             per-pair overrides, or empty
 */
public record UniformNetworkConfig(double uplinkMbps, double downlinkMbps, double latencyMs, String uplinkTrace,
        String downlinkTrace, boolean loopTraces, double serverIngressMbps, double serverEgressMbps,
        double serverLatencyMs, RegionConfig[] regions, String serverRegion, LinkConfig[] links)
        implements NetworkConfig {
    /** Validates; messages name the key and the value. */
    public UniformNetworkConfig {
        NetworkChecks.positive("uplink-mbps", uplinkMbps);
        NetworkChecks.positive("downlink-mbps", downlinkMbps);
        NetworkChecks.nonNegative("latency-ms", latencyMs);
        NetworkChecks.positive("server-ingress-mbps", serverIngressMbps);
        NetworkChecks.positive("server-egress-mbps", serverEgressMbps);
        NetworkChecks.nonNegative("server-latency-ms", serverLatencyMs);
        if (uplinkTrace != null && uplinkTrace.isBlank()) {
            throw new IllegalArgumentException("uplink-trace must name a file, got '" + uplinkTrace + "'");
        }
        if (downlinkTrace != null && downlinkTrace.isBlank()) {
            throw new IllegalArgumentException("downlink-trace must name a file, got '" + downlinkTrace + "'");
        }
        regions = NetworkChecks.regions(regions, serverRegion);
        links = NetworkChecks.links(links);
    }

    /** @return 10 Mb/s up, 50 Mb/s down, 20 ms; server 1 Gb/s each way, 0 ms; no traces, regions or overrides */
    public static UniformNetworkConfig defaults() {
        return new UniformNetworkConfig(10, 50, 20, null, null, false, 1000, 1000, 0, null, null, null);
    }

    /** @return a copy of the regions */
    @Override
    public RegionConfig[] regions() {
        return regions.clone();
    }

    /** @return a copy of the overrides */
    @Override
    public LinkConfig[] links() {
        return links.clone();
    }
}
