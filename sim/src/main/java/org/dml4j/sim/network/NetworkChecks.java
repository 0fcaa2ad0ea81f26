package org.dml4j.sim.network;

import java.nio.file.Path;
import java.util.Objects;
import org.dml4j.core.SeedTree;

/** Validation and assembly shared by the network config records and providers. */
final class NetworkChecks {
    private NetworkChecks() {
    }

    static double positive(String key, Double v) {
        if (v == null) {
            throw new IllegalArgumentException(key + " is required");
        }
        if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(key + " must be finite and > 0, got " + v);
        }
        return v;
    }

    static double nonNegative(String key, Double v) {
        if (v == null) {
            throw new IllegalArgumentException(key + " is required");
        }
        if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(key + " must be finite and >= 0, got " + v);
        }
        return v;
    }

    static RegionConfig[] regions(RegionConfig[] regions, String serverRegion) {
        RegionConfig[] r = regions == null ? new RegionConfig[0] : regions.clone();
        for (int i = 0; i < r.length; i++) {
            Objects.requireNonNull(r[i], "regions[" + i + "]");
            for (int j = 0; j < i; j++) {
                if (r[j].name().equals(r[i].name())) {
                    throw new IllegalArgumentException("regions: two regions are named '" + r[i].name() + "'");
                }
            }
        }
        if (serverRegion != null && indexOf(r, serverRegion) < 0) {
            throw new IllegalArgumentException("server-region: no region is named '" + serverRegion + "'");
        }
        return r;
    }

    static LinkConfig[] links(LinkConfig[] links) {
        LinkConfig[] l = links == null ? new LinkConfig[0] : links.clone();
        for (int i = 0; i < l.length; i++) {
            Objects.requireNonNull(l[i], "links[" + i + "]");
        }
        return l;
    }

    private static int indexOf(RegionConfig[] regions, String name) {
        for (int i = 0; i < regions.length; i++) {
            if (regions[i].name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Adds regions and link overrides to a builder, checking node ids against {@code clients}. */
    static void apply(Topology.Builder b, int clients, RegionConfig[] regions, String serverRegion,
                      LinkConfig[] links) {
        if (regions.length > 0) {
            int r = regions.length;
            BandwidthProfile[] ups = new BandwidthProfile[r];
            BandwidthProfile[] downs = new BandwidthProfile[r];
            double[] lat = new double[r];
            boolean listed = false;
            for (int i = 0; i < r; i++) {
                ups[i] = BandwidthProfile.constant(BandwidthProfile.mbps(regions[i].uplinkMbps()));
                downs[i] = BandwidthProfile.constant(BandwidthProfile.mbps(regions[i].downlinkMbps()));
                lat[i] = regions[i].latencyMs() / 1e3;
                listed |= regions[i].clients() != null;
            }
            java.util.function.IntUnaryOperator of;
            if (listed) {
                int[] region = new int[clients];
                java.util.Arrays.fill(region, -1);
                for (int i = 0; i < r; i++) {
                    int[] cs = regions[i].clients();
                    if (cs == null) {
                        continue;
                    }
                    for (int c : cs) {
                        if (c >= clients) {
                            throw new IllegalArgumentException("[network] regions[" + i + "] ('" + regions[i].name()
                                    + "') clients: unknown node id " + c + " (clients are 0.." + (clients - 1) + ")");
                        }
                        if (region[c] >= 0) {
                            throw new IllegalArgumentException("[network] regions[" + i + "] ('" + regions[i].name()
                                    + "') clients: client " + c + " is already in region '"
                                    + regions[region[c]].name() + "'");
                        }
                        region[c] = i;
                    }
                }
                of = n -> region[n];
            } else {
                of = n -> n % r;
            }
            b.regions(ups, downs, lat, of, serverRegion == null ? -1 : indexOf(regions, serverRegion));
        }
        for (int i = 0; i < links.length; i++) {
            LinkConfig l = links[i];
            int from = l.fromNode();
            int to = l.toNode();
            for (int node : new int[] {from, to}) {
                if (node >= clients) {
                    throw new IllegalArgumentException("[network] links[" + i + "]: unknown node id " + node
                            + " (clients are 0.." + (clients - 1) + ", and \"server\")");
                }
            }
            b.link(from, to, new NetworkTopology.LinkOverride(
                    l.bandwidthMbps() == null ? null
                            : BandwidthProfile.constant(BandwidthProfile.mbps(l.bandwidthMbps())),
                    l.latencyMs() == null ? Double.NaN : l.latencyMs() / 1e3));
        }
    }

    /** A trace path resolved against the experiment's directory. */
    static BandwidthTrace trace(String file, Path baseDir, boolean loop) {
        Path p = Path.of(file);
        if (!p.isAbsolute() && baseDir != null) {
            p = baseDir.resolve(p);
        }
        return BandwidthTrace.read(p, loop);
    }

    static void checkContext(int clients, SeedTree seeds) {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        }
        Objects.requireNonNull(seeds, "seeds");
    }
}
