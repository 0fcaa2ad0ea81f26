package org.dml4j.sim.network;

import java.util.Locale;

/**
 * Configuration of {@code [network] type = "fleet"}: heterogeneous clients whose base uplink and downlink are drawn
 * log-uniformly from a range and whose latency is drawn uniformly, each from a seed path naming the client
 * ({@code network/uplink/<id>}, ...), optionally varying over time (a log-normal change every
 * {@code change-period-s}). A {@code preset} fills every key left out:
 * <table>
 *   <caption>presets</caption>
 *   <tr><th>preset</th><th>uplink Mb/s</th><th>downlink Mb/s</th><th>latency ms</th><th>variability</th></tr>
 *   <tr><td>mobile</td><td>1–20</td><td>5–50</td><td>20–120</td><td>0.3 every 10 s</td></tr>
 *   <tr><td>broadband</td><td>5–50</td><td>25–250</td><td>5–40</td><td>0</td></tr>
 *   <tr><td>datacenter</td><td>1000–10000</td><td>1000–10000</td><td>0.05–0.5</td><td>0</td></tr>
 * </table>
 * The server has 1 Gb/s each way and 5 ms in every preset (10 Gb/s and 0.05 ms for datacenter). Without a preset
 * the four bandwidth bounds are required.
 *
 * @param preset            {@code "mobile"}, {@code "broadband"}, {@code "datacenter"} or null
 * @param uplinkMinMbps     lower bound of the clients' uplinks, Mb/s, &gt; 0
 * @param uplinkMaxMbps     upper bound, &gt;= the lower
 * @param downlinkMinMbps   lower bound of the downlinks, Mb/s, &gt; 0
 * @param downlinkMaxMbps   upper bound, &gt;= the lower
 * @param latencyMinMs      lower bound of the one-way latencies, ms, &gt;= 0 (default 0)
 * @param latencyMaxMs      upper bound, &gt;= the lower (default: the lower)
 * @param variability       log-scale standard deviation of the changes over time, in [0, 10] (0: constant links)
 * @param changePeriodS     seconds between changes, &gt; 0 (default 10)
 * @param serverIngressMbps the server's downlink, shared by all uploads, Mb/s, &gt; 0 (default 1000)
 * @param serverEgressMbps  the server's uplink, Mb/s, &gt; 0 (default 1000)
 * @param serverLatencyMs   the server's one-way latency, ms, &gt;= 0 (default 0)
 * @param regions           regions sharing WAN links, or empty
 * @param serverRegion      the name of the server's region, or null
 * @param links             per-pair overrides, or empty
 */
public record FleetNetworkConfig(String preset, Double uplinkMinMbps, Double uplinkMaxMbps, Double downlinkMinMbps,
        Double downlinkMaxMbps, Double latencyMinMs, Double latencyMaxMs, Double variability, Double changePeriodS,
        Double serverIngressMbps, Double serverEgressMbps, Double serverLatencyMs, RegionConfig[] regions,
        String serverRegion, LinkConfig[] links) implements NetworkConfig {
    /** Fills keys from the preset and validates; messages name the key and the value. */
    public FleetNetworkConfig {
        double[] p = preset == null ? null : preset(preset);
        uplinkMinMbps = NetworkChecks.positive("uplink-min-mbps", or(uplinkMinMbps, p, 0));
        uplinkMaxMbps = NetworkChecks.positive("uplink-max-mbps", or(uplinkMaxMbps, p, 1));
        downlinkMinMbps = NetworkChecks.positive("downlink-min-mbps", or(downlinkMinMbps, p, 2));
        downlinkMaxMbps = NetworkChecks.positive("downlink-max-mbps", or(downlinkMaxMbps, p, 3));
        latencyMinMs = NetworkChecks.nonNegative("latency-min-ms", or(or(latencyMinMs, p, 4), 0.0));
        latencyMaxMs = NetworkChecks.nonNegative("latency-max-ms", or(or(latencyMaxMs, p, 5), latencyMinMs));
        variability = or(or(variability, p, 6), 0.0);
        if (!(variability >= 0 && variability <= 10)) {
            throw new IllegalArgumentException("variability must be in [0, 10], got " + variability);
        }
        changePeriodS = NetworkChecks.positive("change-period-s", or(or(changePeriodS, p, 7), 10.0));
        serverIngressMbps = NetworkChecks.positive("server-ingress-mbps", or(or(serverIngressMbps, p, 8), 1000.0));
        serverEgressMbps = NetworkChecks.positive("server-egress-mbps", or(or(serverEgressMbps, p, 9), 1000.0));
        serverLatencyMs = NetworkChecks.nonNegative("server-latency-ms", or(or(serverLatencyMs, p, 10), 0.0));
        ordered("uplink", uplinkMinMbps, uplinkMaxMbps, "mbps");
        ordered("downlink", downlinkMinMbps, downlinkMaxMbps, "mbps");
        ordered("latency", latencyMinMs, latencyMaxMs, "ms");
        regions = NetworkChecks.regions(regions, serverRegion);
        links = NetworkChecks.links(links);
    }

    /**
     * @param name a preset name
     * @return the configuration of that preset, nothing overridden
     */
    public static FleetNetworkConfig ofPreset(String name) {
        return new FleetNetworkConfig(name, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    /** Preset values: up min/max, down min/max, latency min/max, variability, period, server in/out/latency. */
    private static double[] preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "mobile" -> new double[] {1, 20, 5, 50, 20, 120, 0.3, 10, 1000, 1000, 5};
            case "broadband" -> new double[] {5, 50, 25, 250, 5, 40, 0, 10, 1000, 1000, 5};
            case "datacenter" -> new double[] {1000, 10000, 1000, 10000, 0.05, 0.5, 0, 10, 10000, 10000, 0.05};
            default -> throw new IllegalArgumentException("preset must be one of mobile, broadband, datacenter, got '"
                    + name + "'");
        };
    }

    private static Double or(Double v, double[] preset, int i) {
        return v != null ? v : preset == null ? null : preset[i];
    }

    private static Double or(Double v, Double def) {
        return v != null ? v : def;
    }

    private static void ordered(String what, double min, double max, String unit) {
        if (max < min) {
            throw new IllegalArgumentException(what + "-max-" + unit + " must be >= " + what + "-min-" + unit + " ("
                    + min + "), got " + max);
        }
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
