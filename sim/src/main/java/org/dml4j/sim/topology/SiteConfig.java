package org.dml4j.sim.topology;

/**
 * One declared site of {@code [topology]} ({@code sites = [{ name = "eu", clients = [0, 1, 2] }, ...]}): where its
 * clients are, and the links that differ from the table's defaults.
 *
 * @param name         the site's name, used in messages
 * @param clients      the clients located at the site (every client in exactly one site)
 * @param lanMbps      each client's access link inside the site, Mb/s, &gt; 0, or null for the table's
 * @param edgeMbps     the edge aggregator's LAN capacity each way (shared by its clients' transfers), or null
 * @param wanMbps      the site's WAN link to the cloud each way, Mb/s, &gt; 0, or null
 * @param wanLatencyMs one-way latency of the site's WAN link, ms, &gt;= 0, or null
 */
public record SiteConfig(String name, int[] clients, Double lanMbps, Double edgeMbps, Double wanMbps,
                         Double wanLatencyMs) {
    /** Validates; messages name the site and the key. */
    public SiteConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a site needs name = \"...\"");
        }
        String where = "site '" + name + "': ";
        if (clients == null || clients.length == 0) {
            throw new IllegalArgumentException(where + "clients must list at least one client id");
        }
        clients = clients.clone();
        for (int c : clients) {
            if (c < 0) {
                throw new IllegalArgumentException(where + "clients: node ids are >= 0, got " + c);
            }
        }
        TopologyConfig.positiveOrNull(where + "lan-mbps", lanMbps);
        TopologyConfig.positiveOrNull(where + "edge-mbps", edgeMbps);
        TopologyConfig.positiveOrNull(where + "wan-mbps", wanMbps);
        if (wanLatencyMs != null && !(wanLatencyMs >= 0 && wanLatencyMs < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(where + "wan-latency-ms must be finite and >= 0, got " + wanLatencyMs);
        }
    }

    /** @return a copy of the clients */
    @Override
    public int[] clients() {
        return clients.clone();
    }
}
