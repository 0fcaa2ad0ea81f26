package org.dml4j.sim.network;

/**
 * The static description of a simulated network: for each node its access links and latency, the regions whose WAN
 * links nodes share, and per-pair overrides. Clients are nodes {@code 0 .. clients()-1}; the server is
 * {@link #SERVER}. A transfer from {@code a} to {@code b} crosses, and shares max-min fairly with every other
 * transfer on them:
 * <ul>
 *   <li>{@code a}'s uplink and {@code b}'s downlink (the server's downlink is its ingress, shared by all uploads);</li>
 *   <li>when {@code a} and {@code b} are in different regions: the uplink of {@code a}'s region and the downlink of
 *       {@code b}'s region (a node outside every region, such as the server by default, crosses none of its own);</li>
 *   <li>a pair's own link when {@link #link} gives one for {@code (a, b)}: it caps that pair's transfers.</li>
 * </ul>
 * The one-way latency is {@code latency(a) + latency(b)} plus the latency of each region link crossed, unless an
 * override sets it; it is added after the last byte has left the bottleneck.
 *
 * <p>Implementations are immutable and thread-safe and compute per-node values on demand (from seeded paths), so
 * that a network of 100,000 clients costs nothing until a node sends.
 */
public interface NetworkTopology {
    /** Node id of the server. */
    int SERVER = -1;

    /** @return the number of clients; ids are 0 .. clients-1 */
    int clients();

    /**
     * @param node a client id or {@link #SERVER}
     * @return its uplink capacity (the server's: egress)
     */
    BandwidthProfile uplink(int node);

    /**
     * @param node a client id or {@link #SERVER}
     * @return its downlink capacity (the server's: ingress)
     */
    BandwidthProfile downlink(int node);

    /**
     * @param node a client id or {@link #SERVER}
     * @return one-way seconds between the node and the network core, &gt;= 0
     */
    double latency(int node);

    /** @return the number of regions (0: none) */
    int regions();

    /**
     * @param node a client id or {@link #SERVER}
     * @return its region, 0 .. regions-1, or -1 when it is in none
     */
    int regionOf(int node);

    /**
     * @param from a node
     * @param to   another node
     * @return whether a transfer between them crosses a WAN link (a region's link: the two are in different regions,
     *     at least one of them in a region)
     */
    default boolean crossesWan(int from, int to) {
        int a = regionOf(from);
        int b = regionOf(to);
        return a != b && (a >= 0 || b >= 0);
    }

    /**
     * @param region 0 .. regions-1
     * @return capacity of the region's WAN link out of the region
     */
    BandwidthProfile regionUplink(int region);

    /**
     * @param region 0 .. regions-1
     * @return capacity of the region's WAN link into the region
     */
    BandwidthProfile regionDownlink(int region);

    /**
     * @param region 0 .. regions-1
     * @return one-way seconds added by crossing the region's WAN link, &gt;= 0
     */
    double regionLatency(int region);

    /**
     * @param from sender
     * @param to   receiver
     * @return the override of that directed pair, or null
     */
    LinkOverride link(int from, int to);

    /**
     * Per-pair override.
     *
     * @param bandwidth a cap on this pair's transfers, or null for none
     * @param latency   one-way seconds replacing the computed latency, or NaN to keep it
     */
    record LinkOverride(BandwidthProfile bandwidth, double latency) {
        /** Validates. */
        public LinkOverride {
            if (!Double.isNaN(latency) && !(latency >= 0 && latency < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("latency must be finite and >= 0 (or NaN), got " + latency);
            }
            if (bandwidth == null && Double.isNaN(latency)) {
                throw new IllegalArgumentException("a link override needs a bandwidth or a latency");
            }
        }
    }
}
