package org.dml4j.sim.topology;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * Where each site's edge aggregator runs ({@code [topology] edge-host}): on a dedicated machine, or on one of the
 * site's clients, chosen as declared (the lowest id), at random, or by measurement. A measurement simulates, in
 * virtual time before training and for every candidate host, one cloud round of the site alone: the dense model down
 * the site's WAN link (capped by the host's access link), κ2 edge rounds on the LAN ({@link LanTiming}: the host's own
 * transfers are local, the others share the host's access link) and the edge's delta back up; the host with the
 * shortest round wins (the lower client id on a tie). Candidates are the clients at the site, or the edge's group
 * when no client is at the site.
 *
 * <p>Each site is measured alone; the sites share only the cloud's link, so when that link does not bind (as with the
 * default 1 Gb/s cloud against 10 Mb/s WAN links) the measured hosts also minimise the whole cloud round, which
 * {@link #cloudRoundSeconds} simulates with all sites at once.
 *
 * <p>Stateless.
 */
public final class Placement {
    private Placement() {
    }

    /**
     * @param sites      the sites
     * @param how        {@code "dedicated"}, {@code "declared"}, {@code "random"} or {@code "measured"}
     * @param edgeOf     each client's edge
     * @param seeds      the run's seed tree ({@code topology/edge-host/<site>} for random hosts)
     * @param modelBytes bytes of the dense model on the wire (measured placement)
     * @param steps      κ1, local steps of each client per edge round
     * @param edgeRounds κ2
     * @param devices    the clients' devices, or null
     * @return each edge's host client, or null for dedicated edges
     */
    public static int[] hosts(SiteTopology sites, String how, int[] edgeOf, SeedTree seeds, long modelBytes,
                              int steps, int edgeRounds, DeviceModel devices) {
        if (how.equals("dedicated")) {
            return null;
        }
        int k = sites.sites();
        int[][] groups = Hierarchy.groups(edgeOf, k);
        int[] hosts = new int[k];
        for (int s = 0; s < k; s++) {
            int[] cand = candidates(sites, s, groups[s]);
            hosts[s] = switch (how) {
                case "declared" -> cand[0];
                case "random" -> {
                    SplittableRandom rng = seeds.child("topology").child("edge-host").child(s).random();
                    yield cand[rng.nextInt(cand.length)];
                }
                case "measured" -> {
                    int best = cand[0];
                    double bestT = Double.POSITIVE_INFINITY;
                    for (int h : cand) {
                        double t = siteRoundSeconds(sites, s, h, groups[s], modelBytes, steps, edgeRounds, devices);
                        if (t < bestT) {
                            bestT = t;
                            best = h;
                        }
                    }
                    yield best;
                }
                default -> throw new IllegalArgumentException("[topology] edge-host must be one of "
                        + String.join(", ", TopologyConfig.EDGE_HOSTS) + ", got '" + how + "'");
            };
        }
        return hosts;
    }

    /**
     * @param sites the sites
     * @param site  a site
     * @param group the clients grouped to its edge
     * @return the clients that may host its edge: those at the site, else its group, ascending
     */
    static int[] candidates(SiteTopology sites, int site, int[] group) {
        int[] at = java.util.stream.IntStream.range(0, sites.clients()).filter(c -> sites.home(c) == site).toArray();
        return at.length > 0 ? at : group.clone();
    }

    /**
     * One cloud round of one site alone, its edge hosted on {@code host}: the model down the WAN, κ2 LAN rounds, the
     * delta up.
     *
     * @param sites      the sites
     * @param site       the site
     * @param host       the host client, or -1 for a dedicated machine
     * @param group      the clients grouped to the site's edge, ascending
     * @param modelBytes dense model bytes each way, on both tiers
     * @param steps      κ1
     * @param edgeRounds κ2
     * @param devices    the clients' devices, or null
     * @return virtual seconds
     */
    public static double siteRoundSeconds(SiteTopology sites, int site, int host, int[] group, long modelBytes,
                                          int steps, int edgeRounds, DeviceModel devices) {
        int[] hosts = new int[sites.sites()];
        Arrays.fill(hosts, -1);
        hosts[site] = host;
        int[][] groups = new int[sites.sites()][];
        groups[site] = group;
        return round(sites, hosts, groups, new int[] {site}, modelBytes, steps, edgeRounds, devices);
    }

    /**
     * One whole cloud round, every edge at once, sharing the cloud's link.
     *
     * @param sites      the sites
     * @param hosts      each edge's host client, or null for dedicated edges
     * @param edgeOf     each client's edge
     * @param modelBytes dense model bytes each way, on both tiers
     * @param steps      κ1
     * @param edgeRounds κ2
     * @param devices    the clients' devices, or null
     * @return virtual seconds from the cloud's dispatch to the last edge's delta at the cloud
     */
    public static double cloudRoundSeconds(SiteTopology sites, int[] hosts, int[] edgeOf, long modelBytes,
                                           int steps, int edgeRounds, DeviceModel devices) {
        int k = sites.sites();
        int[] h = hosts == null ? filled(k) : hosts.clone();
        int[] all = java.util.stream.IntStream.range(0, k).toArray();
        return round(sites, h, Hierarchy.groups(edgeOf, k), all, modelBytes, steps, edgeRounds, devices);
    }

    private static int[] filled(int k) {
        int[] a = new int[k];
        Arrays.fill(a, -1);
        return a;
    }

    private static double round(SiteTopology sites, int[] hosts, int[][] groups, int[] edges, long modelBytes,
                                int steps, int edgeRounds, DeviceModel devices) {
        LanTiming lan = new LanTiming(sites, devices, hosts);
        EventEngine engine = new EventEngine(4 * edges.length + 4);
        FluidNetwork wan = new FluidNetwork(engine, sites.edges(hosts));
        double[] end = {0};
        for (int e : edges) {
            int[] g = groups[e];
            long[] bytes = new long[g.length];
            Arrays.fill(bytes, modelBytes);
            int[] st = new int[g.length];
            Arrays.fill(st, steps);
            double oneRound = lan.roundSeconds(e, g, bytes, st, bytes, 0);
            wan.send(NetworkTopology.SERVER, e, modelBytes, a -> engine.scheduleAfter(edgeRounds * oneRound,
                    b -> wan.send(e, NetworkTopology.SERVER, modelBytes, c -> end[0] = Math.max(end[0],
                            engine.now()), e), e), e);
        }
        engine.run();
        return end[0];
    }
}
