package org.dml4j.sim.topology;

import java.util.List;

/**
 * The {@code [topology]} table of an experiment file: sites with an edge aggregator each, the links inside a site
 * (LAN), between a site and the cloud (WAN) and from a client to another site's edge (cross), how clients are grouped
 * to edges, and whether the run is hierarchical.
 *
 * @param mode           {@code "hierarchical"} (clients → their edge → the cloud; the {@code [strategy]} runs at the
 *                       cloud over the edges) or {@code "flat"} (clients → the cloud through their site's WAN link)
 * @param regions        number of generated sites, &gt;= 1, when {@code sites} is empty
 * @param sites          declared sites, or empty to generate {@code regions} of them
 * @param placement      where generated sites' clients are: {@code "random"} (seeded, uniform), {@code "blocks"}
 *                       (contiguous id ranges) or {@code "round-robin"}
 * @param grouping       how clients are assigned to edges: {@code "declared"} (the declared sites; for generated
 *                       sites, contiguous id ranges, as frameworks that group by id do), {@code "random"} (seeded,
 *                       uniform) or {@code "measured"} (each client to the edge its probe reaches first)
 * @param edgeRounds     κ2: edge rounds per cloud round (each of [training] local-steps = κ1 steps), &gt;= 1
 * @param lanMbps        each client's access link, Mb/s, &gt; 0
 * @param lanLatencyMs   one-way latency between a client and its own site's edge, ms
 * @param edgeMbps       an edge's LAN capacity each way, shared by its clients' transfers, Mb/s, &gt; 0
 * @param wanMbps        a site's WAN link to the cloud each way, Mb/s, &gt; 0
 * @param wanLatencyMs   one-way latency of a site's WAN link, ms
 * @param crossMbps      cap on a client's link to another site's edge, Mb/s, &gt; 0 (default {@code wan-mbps})
 * @param crossLatencyMs one-way latency from a client to another site's edge, ms (default
 *                       {@code lan-latency-ms + 2 wan-latency-ms})
 * @param cloudMbps      the cloud's ingress and egress, Mb/s, &gt; 0
 * @param spread         each client's access link is {@code lan-mbps} times a seeded log-uniform factor in
 *                       {@code [1/(1+spread), 1+spread]}; 0 for none
 * @param probeBytes     size of a grouping probe, bytes, &gt;= 1
 * @param linkChanges    scheduled changes of client–edge links in virtual time ({@link LinkChange}); measured
 *                       grouping re-measures after each and regroups at the next cloud round
 * @param edgeHost       which node hosts each site's edge aggregator: {@code "dedicated"} (a machine of its own with
 *                       {@code edge-mbps} of LAN capacity), {@code "declared"} (the site's lowest client id),
 *                       {@code "random"} (a seeded client of the site) or {@code "measured"} (the client of the site
 *                       whose simulated cloud round is shortest, {@link Placement})
 */
public record TopologyConfig(String mode, int regions, SiteConfig[] sites, String placement, String grouping,
                             int edgeRounds, double lanMbps, double lanLatencyMs, double edgeMbps, double wanMbps,
                             double wanLatencyMs, Double crossMbps, Double crossLatencyMs, double cloudMbps,
                             double spread, long probeBytes, LinkChange[] linkChanges, String edgeHost) {
    /** The modes. */
    public static final List<String> MODES = List.of("hierarchical", "flat");
    /** The placements of generated sites. */
    public static final List<String> PLACEMENTS = List.of("random", "blocks", "round-robin");
    /** The groupings. */
    public static final List<String> GROUPINGS = List.of("declared", "random", "measured");
    /** Where the edges run. */
    public static final List<String> EDGE_HOSTS = List.of("dedicated", "declared", "random", "measured");

    /** Validates; messages name the key and the value. */
    public TopologyConfig {
        oneOf("mode", mode, MODES);
        oneOf("placement", placement, PLACEMENTS);
        oneOf("grouping", grouping, GROUPINGS);
        edgeHost = edgeHost == null ? "dedicated" : edgeHost;
        oneOf("edge-host", edgeHost, EDGE_HOSTS);
        linkChanges = linkChanges == null ? new LinkChange[0] : linkChanges.clone();
        sites = sites == null ? new SiteConfig[0] : sites.clone();
        if (regions < 0) {
            throw new IllegalArgumentException("regions must be >= 1, got " + regions);
        }
        if (sites.length > 0 && regions != 0 && regions != sites.length) {
            throw new IllegalArgumentException("regions = " + regions + " but " + sites.length
                    + " sites are declared (give one or the other)");
        }
        for (int i = 0; i < sites.length; i++) {
            for (int j = 0; j < i; j++) {
                if (sites[i].name().equals(sites[j].name())) {
                    throw new IllegalArgumentException("two sites are named '" + sites[i].name() + "'");
                }
            }
        }
        if (edgeRounds < 1) {
            throw new IllegalArgumentException("edge-rounds must be >= 1, got " + edgeRounds);
        }
        positive("lan-mbps", lanMbps);
        positive("edge-mbps", edgeMbps);
        positive("wan-mbps", wanMbps);
        positive("cloud-mbps", cloudMbps);
        positiveOrNull("cross-mbps", crossMbps);
        nonNegative("lan-latency-ms", lanLatencyMs);
        nonNegative("wan-latency-ms", wanLatencyMs);
        if (crossLatencyMs != null) {
            nonNegative("cross-latency-ms", crossLatencyMs);
        }
        nonNegative("spread", spread);
        if (probeBytes < 1) {
            throw new IllegalArgumentException("probe-bytes must be >= 1, got " + probeBytes);
        }
    }

    /**
     * The table without link changes, edges on dedicated machines.
     *
     * @param mode           see the record
     * @param regions        see the record
     * @param sites          see the record
     * @param placement      see the record
     * @param grouping       see the record
     * @param edgeRounds     see the record
     * @param lanMbps        see the record
     * @param lanLatencyMs   see the record
     * @param edgeMbps       see the record
     * @param wanMbps        see the record
     * @param wanLatencyMs   see the record
     * @param crossMbps      see the record
     * @param crossLatencyMs see the record
     * @param cloudMbps      see the record
     * @param spread         see the record
     * @param probeBytes     see the record
     */
    public TopologyConfig(String mode, int regions, SiteConfig[] sites, String placement, String grouping,
                          int edgeRounds, double lanMbps, double lanLatencyMs, double edgeMbps, double wanMbps,
                          double wanLatencyMs, Double crossMbps, Double crossLatencyMs, double cloudMbps,
                          double spread, long probeBytes) {
        this(mode, regions, sites, placement, grouping, edgeRounds, lanMbps, lanLatencyMs, edgeMbps, wanMbps,
                wanLatencyMs, crossMbps, crossLatencyMs, cloudMbps, spread, probeBytes, null, "dedicated");
    }

    /**
     * @return hierarchical, no sites (regions or sites must be given), placed at random, declared grouping, κ2 = 1, LAN 100 Mb/s and 2 ms,
     *     edges 1 Gb/s, WAN 10 Mb/s and 50 ms, cloud 1 Gb/s, no spread, 64 KiB probes, no link changes, edges on
     *     dedicated machines
     */
    public static TopologyConfig defaults() {
        return new TopologyConfig("hierarchical", 0, null, "random", "declared", 1, 100, 2, 1000, 10, 50, null, null,
                1000, 0, 65536, null, "dedicated");
    }

    /** @return a copy of the link changes */
    @Override
    public LinkChange[] linkChanges() {
        return linkChanges.clone();
    }

    /** @return a copy of the declared sites */
    @Override
    public SiteConfig[] sites() {
        return sites.clone();
    }

    /** @return whether edges aggregate (else clients talk to the cloud) */
    public boolean hierarchical() {
        return mode.equals("hierarchical");
    }

    /** @return the number of sites */
    public int siteCount() {
        return sites.length > 0 ? sites.length : regions;
    }

    private static void oneOf(String key, String v, List<String> known) {
        if (v == null || !known.contains(v)) {
            throw new IllegalArgumentException("" + key + " must be one of " + String.join(", ", known)
                    + ", got '" + v + "'");
        }
    }

    private static void positive(String key, double v) {
        if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("" + key + " must be finite and > 0, got " + v);
        }
    }

    private static void nonNegative(String key, double v) {
        if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("" + key + " must be finite and >= 0, got " + v);
        }
    }

    static void positiveOrNull(String key, Double v) {
        if (v != null && (!(v > 0) || v == Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(key + " must be finite and > 0, got " + v);
        }
    }
}
