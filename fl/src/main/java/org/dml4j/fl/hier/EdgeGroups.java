package org.dml4j.fl.hier;

/**
 * Which clients each edge aggregates, per cloud task: constant for declared or random groups, re-measured when links
 * change for grouping by measured links (the simulator's {@code org.dml4j.sim.topology.Regrouping}).
 *
 * <p>Implementations are thread-safe (the edges of one cloud round ask from worker threads) and deterministic: every
 * edge asking for the same dispatch time gets the groups of one assignment, in which each client is on one edge.
 * The transport runs the edges of one synchronous cloud round before it dispatches the next, so a client's state is
 * never used by two edges at once.
 */
@FunctionalInterface
public interface EdgeGroups {
    /**
     * @param edge      the edge's id
     * @param atSeconds the virtual time the cloud dispatched the edge's task
     * @return the edge's clients' ids, ascending (empty when the edge has no client then)
     */
    int[] clientsOf(int edge, double atSeconds);
}
