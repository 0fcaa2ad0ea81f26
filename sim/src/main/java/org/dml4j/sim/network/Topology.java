package org.dml4j.sim.network;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntUnaryOperator;

/**
 * A {@link NetworkTopology} assembled from functions of the node id, so that per-node values are computed when a
 * link is first used rather than stored for every client. Built with {@link #builder(int)}; the functions must be
 * pure (the same node always gives the same answer), which seeded draws from a {@link org.dml4j.core.SeedTree} path
 * naming the node are.
 *
 * <p>Immutable and thread-safe when its functions are.
 */
public final class Topology implements NetworkTopology {
    private final int clients;
    private final IntFunction<BandwidthProfile> uplink;
    private final IntFunction<BandwidthProfile> downlink;
    private final IntToDoubleFunction latency;
    private final BandwidthProfile serverUplink;
    private final BandwidthProfile serverDownlink;
    private final double serverLatency;
    private final IntUnaryOperator regionOf;
    private final int serverRegion;
    private final BandwidthProfile[] regionUplink;
    private final BandwidthProfile[] regionDownlink;
    private final double[] regionLatency;
    private final Map<Long, LinkOverride> links;

    private Topology(Builder b) {
        clients = b.clients;
        uplink = Objects.requireNonNull(b.uplink, "uplink");
        downlink = Objects.requireNonNull(b.downlink, "downlink");
        latency = b.latency;
        serverUplink = Objects.requireNonNull(b.serverUplink, "serverUplink");
        serverDownlink = Objects.requireNonNull(b.serverDownlink, "serverDownlink");
        serverLatency = b.serverLatency;
        regionOf = b.regionOf;
        serverRegion = b.serverRegion;
        regionUplink = b.regionUplink.clone();
        regionDownlink = b.regionDownlink.clone();
        regionLatency = b.regionLatency.clone();
        links = Map.copyOf(b.links);
    }

    /**
     * @param clients number of clients, &gt;= 1
     * @return a builder; uplink, downlink and server links must be set
     */
    public static Builder builder(int clients) {
        return new Builder(clients);
    }

    @Override
    public int clients() {
        return clients;
    }

    @Override
    public BandwidthProfile uplink(int node) {
        return node == SERVER ? serverUplink : Objects.requireNonNull(uplink.apply(check(node)), "uplink");
    }

    @Override
    public BandwidthProfile downlink(int node) {
        return node == SERVER ? serverDownlink : Objects.requireNonNull(downlink.apply(check(node)), "downlink");
    }

    @Override
    public double latency(int node) {
        if (node == SERVER) {
            return serverLatency;
        }
        double l = latency.applyAsDouble(check(node));
        if (!(l >= 0) || l == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("client " + node + ": latency must be finite and >= 0, got " + l);
        }
        return l;
    }

    @Override
    public int regions() {
        return regionLatency.length;
    }

    @Override
    public int regionOf(int node) {
        return node == SERVER ? serverRegion : regionOf.applyAsInt(check(node));
    }

    @Override
    public BandwidthProfile regionUplink(int region) {
        return regionUplink[region];
    }

    @Override
    public BandwidthProfile regionDownlink(int region) {
        return regionDownlink[region];
    }

    @Override
    public double regionLatency(int region) {
        return regionLatency[region];
    }

    @Override
    public LinkOverride link(int from, int to) {
        return links.isEmpty() ? null : links.get(key(from, to));
    }

    private int check(int node) {
        if (node < 0 || node >= clients) {
            throw new IllegalArgumentException("node must be a client id in 0.." + (clients - 1) + " or the server ("
                    + SERVER + "), got " + node);
        }
        return node;
    }

    private static long key(int from, int to) {
        return ((long) from << 32) ^ (to & 0xFFFFFFFFL);
    }

    /** Builds a {@link Topology}. Not thread-safe. */
    public static final class Builder {
        private final int clients;
        private IntFunction<BandwidthProfile> uplink;
        private IntFunction<BandwidthProfile> downlink;
        private IntToDoubleFunction latency = n -> 0;
        private BandwidthProfile serverUplink;
        private BandwidthProfile serverDownlink;
        private double serverLatency;
        private IntUnaryOperator regionOf = n -> -1;
        private int serverRegion = -1;
        private BandwidthProfile[] regionUplink = new BandwidthProfile[0];
        private BandwidthProfile[] regionDownlink = new BandwidthProfile[0];
        private double[] regionLatency = new double[0];
        private final Map<Long, LinkOverride> links = new HashMap<>();

        private Builder(int clients) {
            if (clients < 1) {
                throw new IllegalArgumentException("clients must be >= 1, got " + clients);
            }
            this.clients = clients;
        }

        /**
         * @param uplink   a client's uplink, computed on demand
         * @param downlink a client's downlink, computed on demand
         * @param latency  a client's one-way latency in seconds, computed on demand
         * @return this builder
         */
        public Builder clients(IntFunction<BandwidthProfile> uplink, IntFunction<BandwidthProfile> downlink,
                               IntToDoubleFunction latency) {
            this.uplink = Objects.requireNonNull(uplink, "uplink");
            this.downlink = Objects.requireNonNull(downlink, "downlink");
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /**
         * @param egress  the server's uplink
         * @param ingress the server's downlink, shared by every upload to it
         * @param seconds its one-way latency
         * @return this builder
         */
        public Builder server(BandwidthProfile egress, BandwidthProfile ingress, double seconds) {
            this.serverUplink = Objects.requireNonNull(egress, "egress");
            this.serverDownlink = Objects.requireNonNull(ingress, "ingress");
            this.serverLatency = nonNegative(seconds, "server latency");
            return this;
        }

        /**
         * @param uplinks   each region's WAN link out
         * @param downlinks each region's WAN link in
         * @param latencies each region's added one-way latency in seconds
         * @param regionOf  a client's region (-1: none), computed on demand
         * @param server    the server's region, or -1
         * @return this builder
         */
        public Builder regions(BandwidthProfile[] uplinks, BandwidthProfile[] downlinks, double[] latencies,
                               IntUnaryOperator regionOf, int server) {
            int r = latencies.length;
            if (uplinks.length != r || downlinks.length != r) {
                throw new IllegalArgumentException("regions need one uplink, downlink and latency each, got "
                        + uplinks.length + ", " + downlinks.length + ", " + r);
            }
            for (int i = 0; i < r; i++) {
                Objects.requireNonNull(uplinks[i], "region uplink " + i);
                Objects.requireNonNull(downlinks[i], "region downlink " + i);
                nonNegative(latencies[i], "region " + i + " latency");
            }
            if (server < -1 || server >= r) {
                throw new IllegalArgumentException("server region must be -1 or in 0.." + (r - 1) + ", got "
                        + server);
            }
            this.regionUplink = uplinks.clone();
            this.regionDownlink = downlinks.clone();
            this.regionLatency = latencies.clone();
            IntUnaryOperator of = Objects.requireNonNull(regionOf, "regionOf");
            this.regionOf = n -> {
                int g = of.applyAsInt(n);
                if (g < -1 || g >= r) {
                    throw new IllegalArgumentException("client " + n + " is in region " + g + ", but there are "
                            + r + " regions");
                }
                return g;
            };
            this.serverRegion = server;
            return this;
        }

        /**
         * @param from     sender (client id or {@link NetworkTopology#SERVER})
         * @param to       receiver
         * @param override its cap and latency
         * @return this builder
         */
        public Builder link(int from, int to, LinkOverride override) {
            checkId(from, "from");
            checkId(to, "to");
            if (from == to) {
                throw new IllegalArgumentException("a link override needs two different nodes, got " + from
                        + " twice");
            }
            links.put(key(from, to), Objects.requireNonNull(override, "override"));
            return this;
        }

        private void checkId(int node, String field) {
            if (node != SERVER && (node < 0 || node >= clients)) {
                throw new IllegalArgumentException("link " + field + ": unknown node id " + node + " (clients are 0.."
                        + (clients - 1) + ")");
            }
        }

        private static double nonNegative(double v, String what) {
            if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(what + " must be finite and >= 0 seconds, got " + v);
            }
            return v;
        }

        /** @return the topology */
        public Topology build() {
            return new Topology(this);
        }
    }
}
