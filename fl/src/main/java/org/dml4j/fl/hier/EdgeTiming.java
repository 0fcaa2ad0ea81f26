package org.dml4j.fl.hier;

/**
 * The virtual time one edge round takes inside an edge: the downlink of the edge model to each of its clients, their
 * local training and their uploads back to the edge. The simulator answers it from its network and device models
 * ({@code org.dml4j.sim.topology.LanTiming}); a real deployment measures it.
 *
 * <p>Implementations are immutable and thread-safe (edges run on worker threads) and deterministic.
 */
@FunctionalInterface
public interface EdgeTiming {
    /** Rounds take no time (runs without a network or device model). */
    EdgeTiming NONE = (edge, clients, downBytes, steps, upBytes) -> 0;

    /**
     * @param edge      the edge's id
     * @param clients   its clients' ids (global), ascending
     * @param downBytes bytes sent to each client this round
     * @param steps     local steps each client takes
     * @param upBytes   bytes each client sends back (0 when its task failed)
     * @return seconds from the start of the round until the last upload has arrived, &gt;= 0
     */
    double roundSeconds(int edge, int[] clients, long[] downBytes, int[] steps, long[] upBytes);

    /**
     * The same, on the links in force at {@code atSeconds}, the start of the cloud task this round belongs to. The
     * default ignores the time (links that never change).
     *
     * @param edge      the edge's id
     * @param clients   its clients' ids (global), ascending
     * @param downBytes bytes sent to each client this round
     * @param steps     local steps each client takes
     * @param upBytes   bytes each client sends back (0 when its task failed)
     * @param atSeconds the virtual time the cloud dispatched the edge's task
     * @return seconds from the start of the round until the last upload has arrived, &gt;= 0
     */
    default double roundSeconds(int edge, int[] clients, long[] downBytes, int[] steps, long[] upBytes,
                                double atSeconds) {
        return roundSeconds(edge, clients, downBytes, steps, upBytes);
    }
}
