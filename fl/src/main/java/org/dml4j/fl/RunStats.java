package org.dml4j.fl;

import java.util.Arrays;

/**
 * Counts of one run: per participant, tasks dispatched, answered, failed, lost, cancelled and discarded, plus the staleness
 * histogram of the applied updates (staleness = the version made minus one, minus the version the update was trained
 * from: 0 for a synchronous round). Filled by the {@link Coordinator}; read after the run.
 */
public final class RunStats {
    /** Staleness values at or above this share the last bucket of the histogram. */
    public static final int MAX_STALENESS_BUCKET = 64;
    private final int[] dispatched;
    private final int[] answered;
    private final int[] failed;
    private final int[] lost;
    private final int[] cancelled;
    private final int[] discarded;
    private final long[] staleness = new long[MAX_STALENESS_BUCKET + 1];
    private int maxStaleness;

    RunStats(int participants) {
        dispatched = new int[participants];
        answered = new int[participants];
        failed = new int[participants];
        lost = new int[participants];
        cancelled = new int[participants];
        discarded = new int[participants];
    }

    void onDispatched(int p) {
        dispatched[p]++;
    }

    void onAnswered(int p) {
        answered[p]++;
    }

    void onFailed(int p) {
        failed[p]++;
    }

    void onLost(int p) {
        lost[p]++;
    }

    void onCancelled(int p) {
        cancelled[p]++;
    }

    void onDiscarded(int p) {
        discarded[p]++;
    }

    void onApplied(int stale) {
        staleness[Math.min(stale, MAX_STALENESS_BUCKET)]++;
        maxStaleness = Math.max(maxStaleness, stale);
    }

    /** @return number of participants */
    public int participants() {
        return dispatched.length;
    }

    /** @param p a participant @return tasks sent to it */
    public int dispatched(int p) {
        return dispatched[p];
    }

    /** @param p a participant @return its successful replies */
    public int answered(int p) {
        return answered[p];
    }

    /** @param p a participant @return its failed replies */
    public int failed(int p) {
        return failed[p];
    }

    /** @param p a participant @return its tasks lost (dropout, unavailability) */
    public int lost(int p) {
        return lost[p];
    }

    /** @param p a participant @return its tasks cancelled by the strategy (deadline) */
    public int cancelled(int p) {
        return cancelled[p];
    }

    /** @param p a participant @return its replies the strategy discarded (too stale) */
    public int discarded(int p) {
        return discarded[p];
    }

    /** @return applied updates by staleness, the last bucket holding {@value #MAX_STALENESS_BUCKET} and more (a copy) */
    public long[] stalenessHistogram() {
        return staleness.clone();
    }

    /** @return the largest staleness applied */
    public int maxStaleness() {
        return maxStaleness;
    }

    @Override
    public String toString() {
        return "RunStats[dispatched=" + Arrays.stream(dispatched).sum() + ", answered="
                + Arrays.stream(answered).sum() + ", failed=" + Arrays.stream(failed).sum() + ", lost="
                + Arrays.stream(lost).sum() + ", cancelled=" + Arrays.stream(cancelled).sum() + ", discarded="
                + Arrays.stream(discarded).sum() + "]";
    }

    /** @param out where the counts go (a checkpoint view) */
    void save(org.dml4j.core.Snapshot out) {
        out.putInts("dispatched", dispatched).putInts("answered", answered).putInts("failed", failed)
                .putInts("lost", lost).putInts("cancelled", cancelled).putInts("discarded", discarded)
                .putLongs("staleness", staleness).putLong("max-staleness", maxStaleness);
    }

    /** @param in what {@link #save} wrote */
    void restore(org.dml4j.core.Snapshot in) {
        int n = dispatched.length;
        System.arraycopy(in.getInts("dispatched", n), 0, dispatched, 0, n);
        System.arraycopy(in.getInts("answered", n), 0, answered, 0, n);
        System.arraycopy(in.getInts("failed", n), 0, failed, 0, n);
        System.arraycopy(in.getInts("lost", n), 0, lost, 0, n);
        System.arraycopy(in.getInts("cancelled", n), 0, cancelled, 0, n);
        System.arraycopy(in.getInts("discarded", n), 0, discarded, 0, n);
        long[] h = in.getLongs("staleness");
        if (h.length != staleness.length) {
            throw new IllegalArgumentException("checkpoint entry '" + in.prefix() + "staleness' holds " + h.length
                    + " buckets, expected " + staleness.length);
        }
        System.arraycopy(h, 0, staleness, 0, h.length);
        maxStaleness = in.getInt("max-staleness");
    }
}
