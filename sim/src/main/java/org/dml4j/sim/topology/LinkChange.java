package org.dml4j.sim.topology;

/**
 * One entry of {@code [topology] link-changes = [{ at = 20.0, client = 3, site = "site-1", mbps = 100,
 * latency-ms = 2 }, ...]}: from virtual time {@code at} on, the link between a client and one site's edge has this
 * bandwidth (and latency), whatever the table's defaults say. A client that moves, a LAN path that degrades or a new
 * peering link are such changes. Measured grouping re-sends its probes at the next cloud round after a change and
 * regroups the clients ({@link Regrouping}); every tier reads the links in force when a cloud round starts.
 *
 * @param at        virtual seconds from which the link has the new values, finite and &gt;= 0
 * @param client    the client, a node id of the run
 * @param site      the name of the site whose edge is the link's other end
 * @param mbps      the link's bandwidth each way, Mb/s, finite and &gt; 0
 * @param latencyMs the link's one-way latency, ms, finite and &gt;= 0, or null to keep the one in force
 */
public record LinkChange(double at, int client, String site, double mbps, Double latencyMs) {
    /** Validates; messages name the key and the value. */
    public LinkChange {
        if (!(at >= 0) || at == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("link-changes at must be finite and >= 0, got " + at);
        }
        String where = "link-changes entry at " + at + ": ";
        if (client < 0) {
            throw new IllegalArgumentException(where + "client: node ids are >= 0, got " + client);
        }
        if (site == null || site.isBlank()) {
            throw new IllegalArgumentException(where + "needs site = \"...\" (the edge's site)");
        }
        if (!(mbps > 0) || mbps == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(where + "mbps must be finite and > 0, got " + mbps);
        }
        if (latencyMs != null && !(latencyMs >= 0 && latencyMs < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(where + "latency-ms must be finite and >= 0, got " + latencyMs);
        }
    }
}
