package org.dml4j.sim.network;

/**
 * A region whose clients share one WAN link each way (an entry of {@code regions = [...]} in {@code [network]}).
 *
 * @param name          the region's name, used in messages and by {@code server-region}
 * @param uplinkMbps    capacity of the WAN link out of the region, Mb/s, &gt; 0
 * @param downlinkMbps  capacity of the WAN link into the region, Mb/s, &gt; 0
 * @param latencyMs     one-way latency added by crossing it, ms, &gt;= 0 (default 0)
 * @param clients       the clients in the region; when no region lists any, client {@code i} is in region
 *                      {@code i mod regions}
 */
public record RegionConfig(String name, Double uplinkMbps, Double downlinkMbps, Double latencyMs, int[] clients) {
    /** Validates; messages name the region and the key. */
    public RegionConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a region needs name = \"...\"");
        }
        String where = "region '" + name + "': ";
        NetworkChecks.positive(where + "uplink-mbps", uplinkMbps);
        NetworkChecks.positive(where + "downlink-mbps", downlinkMbps);
        latencyMs = latencyMs == null ? 0.0 : NetworkChecks.nonNegative(where + "latency-ms", latencyMs);
        if (clients != null) {
            clients = clients.clone();
            for (int c : clients) {
                if (c < 0) {
                    throw new IllegalArgumentException(where + "clients: node ids are >= 0, got " + c);
                }
            }
        }
    }

    /** @return a copy of the listed clients, or null */
    @Override
    public int[] clients() {
        return clients == null ? null : clients.clone();
    }
}
