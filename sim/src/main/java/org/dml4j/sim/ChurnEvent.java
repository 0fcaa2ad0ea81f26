package org.dml4j.sim;

/**
 * One entry of {@code [gossip] churn = [...]}: at virtual time {@code at}, peers leave and peers join, without stopping
 * the run ({@link GossipSimulation}).
 *
 * @param at    virtual seconds, finite and &gt;= 0
 * @param leave the peers that leave (may be empty)
 * @param join  the peers that join (may be empty)
 */
public record ChurnEvent(double at, int[] leave, int[] join) {
    /** Validates the time and copies the lists. */
    public ChurnEvent {
        if (!(at >= 0) || Double.isInfinite(at)) {
            throw new IllegalArgumentException("churn at must be finite and >= 0, got " + at);
        }
        leave = leave == null ? new int[0] : leave.clone();
        join = join == null ? new int[0] : join.clone();
        if (leave.length == 0 && join.length == 0) {
            throw new IllegalArgumentException("churn event at " + at + " has neither leave nor join");
        }
    }

    /** @return the leaving peers (a copy) */
    @Override
    public int[] leave() {
        return leave.clone();
    }

    /** @return the joining peers (a copy) */
    @Override
    public int[] join() {
        return join.clone();
    }

    /**
     * Checks a schedule against the peers: ids exist, nobody leaves twice or joins while present, and at least
     * {@code min} peers are always present.
     *
     * @param events the schedule, any order (it is applied by time, ties in the given order)
     * @param peers  the number of peers, all present at the start
     * @param min    the fewest peers that must stay (R + 1 for segmented gossip)
     * @return the events sorted by time (stable)
     * @throws IllegalArgumentException naming the entry, the key and the value
     */
    public static ChurnEvent[] check(ChurnEvent[] events, int peers, int min) {
        return check(events, peers, min, "segmented gossip needs (R + 1)");
    }

    /**
     * The same, naming why at least {@code min} peers must stay.
     *
     * @param events the schedule
     * @param peers  the number of peers, all present at the start
     * @param min    the fewest peers that must stay
     * @param why    the end of the message when fewer stay, e.g. {@code "D-PSGD needs"}
     * @return the events sorted by time (stable)
     * @throws IllegalArgumentException naming the entry, the key and the value
     */
    public static ChurnEvent[] check(ChurnEvent[] events, int peers, int min, String why) {
        ChurnEvent[] sorted = events.clone();
        java.util.Arrays.sort(sorted, java.util.Comparator.comparingDouble(ChurnEvent::at));
        boolean[] present = new boolean[peers];
        java.util.Arrays.fill(present, true);
        int count = peers;
        for (ChurnEvent e : sorted) {
            String where = "churn entry at " + e.at();
            for (int p : e.leave) {
                if (p < 0 || p >= peers) {
                    throw new IllegalArgumentException(where + " leave: unknown peer " + p + " (peers are 0.."
                            + (peers - 1) + ")");
                }
                if (!present[p]) {
                    throw new IllegalArgumentException(where + " leave: peer " + p + " is not present then");
                }
                present[p] = false;
                count--;
            }
            for (int p : e.join) {
                if (p < 0 || p >= peers) {
                    throw new IllegalArgumentException(where + " join: unknown peer " + p + " (peers are 0.."
                            + (peers - 1) + ")");
                }
                if (present[p]) {
                    throw new IllegalArgumentException(where + " join: peer " + p + " is present already");
                }
                present[p] = true;
            }
            if (count < min) {
                throw new IllegalArgumentException(where + " leaves " + count + " peers that were there before it,"
                        + " fewer than the " + min + " " + why);
            }
            count += e.join.length;
        }
        return sorted;
    }
}
