package org.dml4j.sim.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.hier.EdgeAggregator;
import org.dml4j.fl.hier.EdgeClients;
import org.dml4j.fl.hier.EdgeTiming;
import org.dml4j.sim.network.NetworkTopology;

/**
 * The edge tier of a hierarchical run: which clients each edge aggregates, κ2, the edge→cloud and edge→client
 * compressors, the virtual time of an edge round, and the network between the edges and the cloud. The simulation
 * puts one {@link EdgeAggregator} per edge where the clients would stand, so the cloud's coordinator and strategy
 * are the flat ones.
 *
 * @param edgeOf     each client's edge, 0 .. edges-1 (every edge with a client)
 * @param edgeRounds κ2, &gt;= 1
 * @param uplink     the edge→cloud compressor (identity for dense)
 * @param downlink   the edge→client compressor, or null for dense
 * @param timing     the virtual time of an edge round
 * @param network    edges (nodes 0 .. edges-1) and the cloud (the server), or null for transfers that take no time
 * @param regrouping the measured grouping that follows link changes (the edges then ask it for their clients at
 *                   every cloud task; {@code edgeOf} is the first grouping), or null for constant groups
 */
public record Hierarchy(int[] edgeOf, int edgeRounds, GradientCompressor uplink, GradientCompressor downlink,
                        EdgeTiming timing, NetworkTopology network, Regrouping regrouping) {
    /**
     * A hierarchy whose groups do not change.
     *
     * @param edgeOf     each client's edge
     * @param edgeRounds κ2
     * @param uplink     the edge→cloud compressor
     * @param downlink   the edge→client compressor, or null
     * @param timing     the virtual time of an edge round
     * @param network    the edges' WAN, or null
     */
    public Hierarchy(int[] edgeOf, int edgeRounds, GradientCompressor uplink, GradientCompressor downlink,
                     EdgeTiming timing, NetworkTopology network) {
        this(edgeOf, edgeRounds, uplink, downlink, timing, network, null);
    }

    /** Validates the fields and copies the grouping. */
    public Hierarchy {
        edgeOf = edgeOf.clone();
        int edges = 0;
        for (int c = 0; c < edgeOf.length; c++) {
            if (edgeOf[c] < 0) {
                throw new IllegalArgumentException("client " + c + " is on edge " + edgeOf[c]);
            }
            edges = Math.max(edges, edgeOf[c] + 1);
        }
        groups(edgeOf, edges);
        if (edgeRounds < 1) {
            throw new IllegalArgumentException("edge-rounds must be >= 1, got " + edgeRounds);
        }
        Objects.requireNonNull(uplink, "uplink");
        Objects.requireNonNull(timing, "timing");
        if (network != null && network.clients() != edges) {
            throw new IllegalArgumentException("the edge network has " + network.clients() + " nodes, the run "
                    + edges + " edges");
        }
        if (regrouping != null && downlink != null) {
            throw new IllegalArgumentException("[topology] edge-downlink keeps one replica of the model per edge's"
                    + " clients, which a client regrouped to another edge does not hold: give no edge-downlink with"
                    + " link-changes and grouping = \"measured\"");
        }
    }

    /** @return a copy of the grouping */
    @Override
    public int[] edgeOf() {
        return edgeOf.clone();
    }

    /** @return number of edges */
    public int edges() {
        int e = 0;
        for (int g : edgeOf) {
            e = Math.max(e, g + 1);
        }
        return e;
    }

    /**
     * @param clients the clients, by id
     * @param layout  the model's layout
     * @param initial the initial model
     * @param seeds   the run's seed tree ({@code edge-compressor/<e>}, {@code edge-downlink/<e>})
     * @return one edge aggregator per edge, by id
     */
    public List<EdgeAggregator> build(List<FlClient> clients, UpdateLayout layout, float[] initial, SeedTree seeds) {
        if (clients.size() != edgeOf.length) {
            throw new IllegalArgumentException("the grouping has " + edgeOf.length + " clients, the run "
                    + clients.size());
        }
        int[][] g = groups(edgeOf, edges());
        List<EdgeAggregator> out = new ArrayList<>(g.length);
        for (int e = 0; e < g.length; e++) {
            if (regrouping != null) {
                out.add(new EdgeAggregator(e, clients, regrouping, g[e], edgeRounds, uplink.newState(layout,
                        seeds.child("edge-compressor").child(e).random()), timing));
                continue;
            }
            List<FlClient> mine = new ArrayList<>();
            for (int c : g[e]) {
                mine.add(clients.get(c));
            }
            out.add(edge(e, EdgeClients.local(mine), layout, initial, seeds, timing));
        }
        return out;
    }

    /**
     * One edge over any client tier: the simulator's edges ({@link #build}) and an edge across machines
     * ({@code dml4j edge}) are made here, with the same κ2, compressors and seed paths.
     *
     * @param edge    the edge's id
     * @param clients its client tier; its ids must be {@link #clientsOf}{@code (edge)}
     * @param layout  the model's layout
     * @param initial the initial model
     * @param seeds   the run's seed tree ({@code edge-compressor/<e>}, {@code edge-downlink/<e>})
     * @param timing  the virtual time of an edge round ({@link EdgeTiming#NONE} where time is measured)
     * @return the edge aggregator
     */
    public EdgeAggregator edge(int edge, EdgeClients clients, UpdateLayout layout, float[] initial, SeedTree seeds,
                               EdgeTiming timing) {
        if (!java.util.Arrays.equals(clients.ids(), clientsOf(edge))) {
            throw new IllegalArgumentException("edge " + edge + " groups clients "
                    + java.util.Arrays.toString(clientsOf(edge)) + ", its tier has "
                    + java.util.Arrays.toString(clients.ids()));
        }
        return new EdgeAggregator(edge, clients, edgeRounds, uplink.newState(layout,
                seeds.child("edge-compressor").child(edge).random()), downlink, layout, initial,
                seeds.child("edge-downlink").child(edge).random(), timing);
    }

    /**
     * @param edge an edge's id
     * @return its clients' ids, ascending
     * @throws IllegalArgumentException when there is no such edge
     */
    public int[] clientsOf(int edge) {
        int edges = edges();
        if (edge < 0 || edge >= edges) {
            throw new IllegalArgumentException("edge must be in [0, " + edges + "), got " + edge);
        }
        return groups(edgeOf, edges)[edge];
    }

    /**
     * @param edgeOf each client's edge
     * @param edges  number of edges
     * @return each edge's clients, ascending
     * @throws IllegalArgumentException when an edge has no client
     */
    static int[][] groups(int[] edgeOf, int edges) {
        int[] count = new int[edges];
        for (int e : edgeOf) {
            if (e < 0 || e >= edges) {
                throw new IllegalArgumentException("edge " + e + " must be in 0.." + (edges - 1));
            }
            count[e]++;
        }
        int[][] g = new int[edges][];
        for (int e = 0; e < edges; e++) {
            if (count[e] == 0) {
                throw new IllegalArgumentException("edge " + e + " has no clients");
            }
            g[e] = new int[count[e]];
        }
        int[] k = new int[edges];
        for (int c = 0; c < edgeOf.length; c++) {
            g[edgeOf[c]][k[edgeOf[c]]++] = c;
        }
        return g;
    }
}
