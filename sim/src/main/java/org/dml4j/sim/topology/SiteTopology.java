package org.dml4j.sim.topology;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.network.BandwidthProfile;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.network.Topology;

/**
 * The resolved sites of a {@link TopologyConfig}: where each client is, each site's links, and the network each
 * tier of a run sees, all fed to the simulator's {@link org.dml4j.sim.network.FluidNetwork}:
 * <ul>
 *   <li>{@link #flat()}: clients talk to the cloud; a client's transfer crosses its access link, its site's WAN link
 *       (a region of the network model, shared by every client of the site) and the cloud's link;</li>
 *   <li>{@link #edges()}: edges talk to the cloud over their site's WAN link;</li>
 *   <li>{@link #lan(int, int[])}: the clients grouped to one edge talk to it; a client at the edge's site over its
 *       access link at LAN latency, a client elsewhere over its access link capped at {@code cross-mbps}, at the
 *       cross latency; every transfer shares the edge's capacity.</li>
 * </ul>
 * A client's access link is {@code lan-mbps} (its site's) times a factor drawn from {@code topology/link/<client>}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SiteTopology {
    private final TopologyConfig config;
    private final int clients;
    private final String[] names;
    private final int[] home;
    private final int[] declared;
    private final double[] access;   // bytes/s
    private final double[] edgeBps;
    private final double[] wanBps;
    private final double[] wanLatency;
    private final double crossBps;
    private final double crossLatency;
    private final double lanLatency;
    private final LinkChange[] changes;   // by time, stable
    private final int[] changeEdge;

    private SiteTopology(TopologyConfig c, int clients, SeedTree seeds) {
        this.config = c;
        this.clients = clients;
        int k = c.siteCount();
        if (k < 1) {
            throw new IllegalArgumentException("[topology] needs regions >= 1 (generated sites) or sites = [...]");
        }
        if (k > clients) {
            throw new IllegalArgumentException("[topology] " + k + " sites for " + clients + " clients: every edge"
                    + " needs a client");
        }
        names = new String[k];
        home = new int[clients];
        double[] lan = new double[k];
        edgeBps = new double[k];
        wanBps = new double[k];
        wanLatency = new double[k];
        SiteConfig[] sites = c.sites();
        Arrays.fill(home, -1);
        for (int s = 0; s < k; s++) {
            SiteConfig d = sites.length > 0 ? sites[s] : null;
            names[s] = d != null ? d.name() : "site-" + s;
            lan[s] = BandwidthProfile.mbps(d != null && d.lanMbps() != null ? d.lanMbps() : c.lanMbps());
            edgeBps[s] = BandwidthProfile.mbps(d != null && d.edgeMbps() != null ? d.edgeMbps() : c.edgeMbps());
            wanBps[s] = BandwidthProfile.mbps(d != null && d.wanMbps() != null ? d.wanMbps() : c.wanMbps());
            wanLatency[s] = (d != null && d.wanLatencyMs() != null ? d.wanLatencyMs() : c.wanLatencyMs()) / 1e3;
            if (d != null) {
                for (int cl : d.clients()) {
                    if (cl >= clients) {
                        throw new IllegalArgumentException("[topology] site '" + names[s] + "' clients: unknown node"
                                + " id " + cl + " (clients are 0.." + (clients - 1) + ")");
                    }
                    if (home[cl] >= 0) {
                        throw new IllegalArgumentException("[topology] site '" + names[s] + "' clients: client " + cl
                                + " is already at site '" + names[home[cl]] + "'");
                    }
                    home[cl] = s;
                }
            }
        }
        if (sites.length > 0) {
            for (int cl = 0; cl < clients; cl++) {
                if (home[cl] < 0) {
                    throw new IllegalArgumentException("[topology] client " + cl + " is at no site (every client"
                            + " must be listed in one site's clients)");
                }
            }
            declared = home.clone();
        } else {
            declared = blocks(clients, k);
            switch (c.placement()) {
                case "blocks" -> System.arraycopy(declared, 0, home, 0, clients);
                case "round-robin" -> Arrays.setAll(home, i -> i % k);
                default -> {
                    SplittableRandom rng = seeds.child("topology").child("placement").random();
                    Arrays.setAll(home, i -> rng.nextInt(k));
                }
            }
        }
        access = new double[clients];
        double spread = c.spread();
        for (int cl = 0; cl < clients; cl++) {
            double f = 1;
            if (spread > 0) {
                double u = seeds.child("topology").child("link").child(cl).random().nextDouble();
                f = Math.exp((2 * u - 1) * Math.log1p(spread));
            }
            access[cl] = lan[home[cl]] * f;
        }
        crossBps = BandwidthProfile.mbps(c.crossMbps() != null ? c.crossMbps() : c.wanMbps());
        lanLatency = c.lanLatencyMs() / 1e3;
        crossLatency = c.crossLatencyMs() != null ? c.crossLatencyMs() / 1e3
                : lanLatency + 2 * c.wanLatencyMs() / 1e3;
        changes = c.linkChanges();
        Arrays.sort(changes, java.util.Comparator.comparingDouble(LinkChange::at));
        changeEdge = new int[changes.length];
        for (int i = 0; i < changes.length; i++) {
            LinkChange ch = changes[i];
            String where = "[topology] link-changes entry at " + ch.at() + ": ";
            if (ch.client() >= clients) {
                throw new IllegalArgumentException(where + "client: unknown node id " + ch.client() + " (clients are"
                        + " 0.." + (clients - 1) + ")");
            }
            changeEdge[i] = -1;
            for (int e = 0; e < k; e++) {
                if (names[e].equals(ch.site())) {
                    changeEdge[i] = e;
                }
            }
            if (changeEdge[i] < 0) {
                throw new IllegalArgumentException(where + "site: unknown site '" + ch.site() + "' (sites are "
                        + String.join(", ", names) + ")");
            }
        }
    }

    /**
     * @param config  the table
     * @param clients the run's clients, &gt;= 1
     * @param seeds   the run's seed tree (placement and link draws)
     * @return the sites
     * @throws IllegalArgumentException naming the key of an unknown node, a client at two sites or at none, or more
     *         sites than clients
     */
    public static SiteTopology create(TopologyConfig config, int clients, SeedTree seeds) {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        }
        return new SiteTopology(config, clients, seeds);
    }

    static int[] blocks(int clients, int k) {
        int[] g = new int[clients];
        for (int i = 0; i < clients; i++) {
            g[i] = (int) ((long) i * k / clients);
        }
        return g;
    }

    /** @return the table */
    public TopologyConfig config() {
        return config;
    }

    /** @return number of clients */
    public int clients() {
        return clients;
    }

    /** @return number of sites (= edges) */
    public int sites() {
        return names.length;
    }

    /**
     * @param site a site
     * @return its name
     */
    public String name(int site) {
        return names[site];
    }

    /**
     * @param client a client
     * @return the site where it is
     */
    public int home(int client) {
        return home[client];
    }

    /** @return the grouping the file declares: each client's site, or id ranges for generated sites */
    public int[] declaredGrouping() {
        return declared.clone();
    }

    /**
     * @param client a client
     * @param edge   the edge of a site
     * @return the bytes/s of the client's link to that edge (when nothing else is sent)
     */
    public double linkBytesPerSecond(int client, int edge) {
        return home[client] == edge ? access[client] : Math.min(access[client], crossBps);
    }

    /**
     * @param client a client
     * @param edge   the edge of a site
     * @param time   virtual seconds
     * @return the bytes/s of the client's link to that edge at {@code time}: the last {@code link-changes} entry
     *     for the pair at or before {@code time}, else {@link #linkBytesPerSecond(int, int)}
     */
    public double linkBytesPerSecond(int client, int edge, double time) {
        double b = linkBytesPerSecond(client, edge);
        for (int i = 0; i < changes.length && changes[i].at() <= time; i++) {
            if (changes[i].client() == client && changeEdge[i] == edge) {
                b = BandwidthProfile.mbps(changes[i].mbps());
            }
        }
        return b;
    }

    /**
     * @param client a client
     * @param edge   the edge of a site
     * @param time   virtual seconds
     * @return one-way seconds between them at {@code time} (the last change that sets a latency, else the table's)
     */
    public double linkLatency(int client, int edge, double time) {
        double l = linkLatency(client, edge);
        for (int i = 0; i < changes.length && changes[i].at() <= time; i++) {
            if (changes[i].client() == client && changeEdge[i] == edge && changes[i].latencyMs() != null) {
                l = changes[i].latencyMs() / 1e3;
            }
        }
        return l;
    }

    /**
     * @param time virtual seconds
     * @return how many link changes are in force at {@code time} (0 when the links are constant)
     */
    public int changesUpTo(double time) {
        int n = 0;
        while (n < changes.length && changes[n].at() <= time) {
            n++;
        }
        return n;
    }

    /** @return whether {@code link-changes} change any link during the run */
    public boolean linksChange() {
        return changes.length > 0;
    }

    /**
     * @param client a client
     * @return its access link, bytes/s
     */
    public double accessBytesPerSecond(int client) {
        return access[client];
    }

    /**
     * @param client a client
     * @param edge   the edge of a site
     * @return one-way seconds between them
     */
    public double linkLatency(int client, int edge) {
        return home[client] == edge ? lanLatency : crossLatency;
    }

    /** @return clients → the cloud through their site's WAN link (each site a region of the network model) */
    public NetworkTopology flat() {
        BandwidthProfile[] wan = new BandwidthProfile[sites()];
        for (int s = 0; s < wan.length; s++) {
            wan[s] = BandwidthProfile.constant(wanBps[s]);
        }
        BandwidthProfile cloud = BandwidthProfile.constant(BandwidthProfile.mbps(config.cloudMbps()));
        return Topology.builder(clients)
                .clients(c -> BandwidthProfile.constant(access[c]), c -> BandwidthProfile.constant(access[c]),
                        c -> lanLatency)
                .server(cloud, cloud, 0)
                .regions(wan, wan.clone(), wanLatency.clone(), c -> home[c], -1)
                .build();
    }

    /** @return edges (nodes 0 .. sites-1) → the cloud over their site's WAN link */
    public NetworkTopology edges() {
        return edges(null);
    }

    /**
     * @param hosts each edge's host client, or null (or -1 for an edge) on a dedicated machine
     * @return edges (nodes 0 .. sites-1) → the cloud over their site's WAN link, capped by the host's access link
     */
    public NetworkTopology edges(int[] hosts) {
        BandwidthProfile cloud = BandwidthProfile.constant(BandwidthProfile.mbps(config.cloudMbps()));
        double[] bps = wanBps.clone();
        for (int e = 0; hosts != null && e < bps.length; e++) {
            if (hosts[e] >= 0) {
                bps[e] = Math.min(bps[e], access[hosts[e]]);
            }
        }
        return Topology.builder(sites())
                .clients(e -> BandwidthProfile.constant(bps[e]), e -> BandwidthProfile.constant(bps[e]),
                        e -> wanLatency[e])
                .server(cloud, cloud, 0)
                .build();
    }

    /**
     * @param edge    the edge (its site)
     * @param members the clients grouped to it, in order: node {@code i} of the result is {@code members[i]}, the
     *                server is the edge
     * @return the edge's LAN
     */
    public NetworkTopology lan(int edge, int[] members) {
        return lan(edge, members, 0, -1);
    }

    /**
     * @param edge    the edge (its site)
     * @param members the clients grouped to it, in order: node {@code i} of the result is {@code members[i]}, the
     *                server is the edge
     * @param time    virtual seconds: the links in force then ({@code link-changes})
     * @param host    the client whose machine runs the edge (the edge's capacity is then that client's access link;
     *                the host's own transfers do not cross the network, see {@link LanTiming}), or -1 for a
     *                dedicated machine with {@code edge-mbps}
     * @return the edge's LAN
     */
    public NetworkTopology lan(int edge, int[] members, double time, int host) {
        int[] m = members.clone();
        double[] bps = new double[m.length];
        double[] lat = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            bps[i] = linkBytesPerSecond(m[i], edge, time);
            lat[i] = linkLatency(m[i], edge, time);
        }
        BandwidthProfile edgeLink = BandwidthProfile.constant(host < 0 ? edgeBps[edge] : access[host]);
        return Topology.builder(m.length)
                .clients(i -> BandwidthProfile.constant(bps[i]), i -> BandwidthProfile.constant(bps[i]), i -> lat[i])
                .server(edgeLink, edgeLink, 0)
                .build();
    }
}
