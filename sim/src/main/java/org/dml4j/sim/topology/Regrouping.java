package org.dml4j.sim.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dml4j.fl.hier.EdgeGroups;

/**
 * Grouping by measured links that follows link changes: at the start of each cloud round after a {@code [topology]
 * link-changes} entry has come into force, every client's probes are sent again, in virtual time on the links in force
 * then ({@link Grouping#measured(SiteTopology, double, int[])}), and each client joins the edge its probe reached
 * first. Between changes the groups stay as they are (the probes would find the same). The regroupings are kept for
 * the run's event log ({@link #drain()}).
 *
 * <p>Thread-safe: the edges of one cloud round ask from worker threads, at one dispatch time, and get one assignment.
 * A request at an earlier time than the last one (an asynchronous cloud that dispatches edges at different times)
 * fails: regrouping needs a synchronous cloud round.
 */
public final class Regrouping implements EdgeGroups {
    private final SiteTopology sites;
    private final int[] hosts;
    private final List<Change> changes = new ArrayList<>();
    private double lastTime = Double.NEGATIVE_INFINITY;
    private int lastChanges;
    private int[] edgeOf;
    private int[][] groups;

    /**
     * One regrouping.
     *
     * @param at     the virtual time of the cloud round whose probes found it
     * @param before each client's edge until then
     * @param after  each client's edge from then on
     */
    public record Change(double at, int[] before, int[] after) {
        /** Copies the arrays. */
        public Change {
            before = before.clone();
            after = after.clone();
        }

        /** @return each client's edge until then (a copy) */
        @Override
        public int[] before() {
            return before.clone();
        }

        /** @return each client's edge from then on (a copy) */
        @Override
        public int[] after() {
            return after.clone();
        }
    }

    /**
     * @param sites   the sites and their link changes
     * @param initial each client's edge at the start (the measured grouping before training)
     * @param hosts   each edge's host client ({@link Placement}), or null for dedicated edges
     */
    public Regrouping(SiteTopology sites, int[] initial, int[] hosts) {
        this.sites = sites;
        this.hosts = hosts == null ? null : hosts.clone();
        this.edgeOf = initial.clone();
        this.groups = groups(edgeOf, sites.sites());
        this.lastChanges = sites.changesUpTo(0);
    }

    @Override
    public synchronized int[] clientsOf(int edge, double atSeconds) {
        if (atSeconds < lastTime) {
            throw new IllegalStateException("edge " + edge + " asks for its clients at " + atSeconds + " s after a"
                    + " cloud round at " + lastTime + " s: regrouping needs a synchronous cloud strategy");
        }
        measureAt(atSeconds);
        return groups[edge].clone();
    }

    /**
     * Re-measures at a cloud round's dispatch when a link change has come into force since the last measurement
     * (the simulation calls it on the coordinator's thread before the round's tasks start, so that the event log
     * is in virtual-time order; the edges' {@link #clientsOf} then find the groups made).
     *
     * @param atSeconds the dispatch time; an earlier time than the last one is ignored
     */
    public synchronized void measureAt(double atSeconds) {
        if (atSeconds > lastTime) {
            lastTime = atSeconds;
            int n = sites.changesUpTo(atSeconds);
            if (n != lastChanges) {
                lastChanges = n;
                int[] g = Grouping.measured(sites, atSeconds, hosts);
                if (!Arrays.equals(g, edgeOf)) {
                    changes.add(new Change(atSeconds, edgeOf, g));
                    edgeOf = g;
                    groups = groups(g, sites.sites());
                }
            }
        }
    }

    /** @return the regroupings since the last call, in time order */
    public synchronized List<Change> drain() {
        List<Change> out = List.copyOf(changes);
        changes.clear();
        return out;
    }

    /** @return each client's edge now (a copy) */
    public synchronized int[] edgeOf() {
        return edgeOf.clone();
    }

    private static int[][] groups(int[] edgeOf, int edges) {
        int[] count = new int[edges];
        for (int e : edgeOf) {
            count[e]++;
        }
        int[][] g = new int[edges][];
        for (int e = 0; e < edges; e++) {
            g[e] = new int[count[e]];
        }
        int[] k = new int[edges];
        for (int c = 0; c < edgeOf.length; c++) {
            g[edgeOf[c]][k[edgeOf[c]]++] = c;
        }
        return g;
    }
}
