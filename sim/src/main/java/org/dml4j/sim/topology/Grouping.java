package org.dml4j.sim.topology;

import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * Assigns clients to edges: as declared, at random, or by measurement. A measurement sends a probe of
 * {@code probe-bytes} from each client to each edge, one at a time on an otherwise idle network, in virtual time on
 * the {@link FluidNetwork} of that client–edge link, and puts the client on the edge its probe reached first (the
 * lower edge id on a tie). Unlike declared groups (NVFLARE's tree, Plato's id ranges) or random ones (FedML), the
 * measured groups follow the links, so a client that is physically at another site than declared joins that site's
 * edge. When {@code [topology] link-changes} change the links during the run, {@link Regrouping} sends the probes
 * again, on the links in force then, at the next cloud round.
 *
 * <p>Stateless.
 */
public final class Grouping {
    private Grouping() {
    }

    /**
     * @param sites the sites
     * @param how   {@code "declared"}, {@code "random"} or {@code "measured"}
     * @param seeds the run's seed tree ({@code topology/grouping} for random groups)
     * @return each client's edge
     * @throws IllegalArgumentException when an edge gets no client, naming it and the grouping
     */
    public static int[] assign(SiteTopology sites, String how, SeedTree seeds) {
        int n = sites.clients();
        int k = sites.sites();
        int[] edgeOf = switch (how) {
            case "declared" -> sites.declaredGrouping();
            case "random" -> {
                SplittableRandom rng = seeds.child("topology").child("grouping").random();
                int[] g = new int[n];
                for (int c = 0; c < n; c++) {
                    g[c] = rng.nextInt(k);
                }
                yield g;
            }
            case "measured" -> measured(sites);
            default -> throw new IllegalArgumentException("[topology] grouping must be one of "
                    + String.join(", ", TopologyConfig.GROUPINGS) + ", got '" + how + "'");
        };
        int[] count = new int[k];
        for (int e : edgeOf) {
            count[e]++;
        }
        for (int e = 0; e < k; e++) {
            if (count[e] == 0) {
                throw new IllegalArgumentException("[topology] grouping = '" + how + "' leaves the edge of site '"
                        + sites.name(e) + "' with no clients");
            }
        }
        return edgeOf;
    }

    /** @return each client's edge by the probe that arrived first */
    static int[] measured(SiteTopology sites) {
        return measured(sites, 0, null);
    }

    /**
     * @param sites the sites
     * @param time  virtual seconds: the probes travel on the links in force then
     * @param hosts each edge's host client, or null for dedicated edges
     * @return each client's edge by the probe that arrived first (the lower edge id on a tie); an edge may get no
     *     client
     */
    public static int[] measured(SiteTopology sites, double time, int[] hosts) {
        double[][] t = probeSeconds(sites, time, hosts);
        int[] g = new int[t.length];
        for (int c = 0; c < t.length; c++) {
            int best = 0;
            for (int e = 1; e < t[c].length; e++) {
                if (t[c][e] < t[c][best]) {
                    best = e;
                }
            }
            g[c] = best;
        }
        return g;
    }

    /**
     * @param sites the sites
     * @return {@code [client][edge]}: virtual seconds from sending a probe to its arrival at the edge
     */
    public static double[][] probeSeconds(SiteTopology sites) {
        return probeSeconds(sites, 0, null);
    }

    /**
     * @param sites the sites
     * @param time  virtual seconds: the links in force then
     * @param hosts each edge's host client, or null for dedicated edges (a client's probe to the edge it hosts
     *              takes no time)
     * @return {@code [client][edge]}: virtual seconds from sending a probe to its arrival at the edge
     */
    public static double[][] probeSeconds(SiteTopology sites, double time, int[] hosts) {
        long bytes = sites.config().probeBytes();
        double[][] t = new double[sites.clients()][sites.sites()];
        for (int c = 0; c < t.length; c++) {
            for (int e = 0; e < t[c].length; e++) {
                int host = hosts == null ? -1 : hosts[e];
                if (host == c) {
                    t[c][e] = 0;
                    continue;
                }
                EventEngine engine = new EventEngine(4);
                FluidNetwork net = new FluidNetwork(engine, sites.lan(e, new int[] {c}, time, host));
                double[] arrived = {Double.NaN};
                net.send(0, NetworkTopology.SERVER, bytes, arg -> arrived[0] = engine.now(), 0);
                engine.run();
                t[c][e] = arrived[0];
            }
        }
        return t;
    }
}
