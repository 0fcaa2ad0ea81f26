package org.dml4j.parallel.moe;

import java.util.List;

/**
 * What happened over a routing trace under one placer and re-placement policy.
 *
 * @param placer  the placer's name
 * @param policy  the re-placement policy
 * @param windows one row per window
 */
public record ReplacementReport(String placer, ReplacementConfig.Policy policy, List<Window> windows) {
    /** Copies the list. */
    public ReplacementReport {
        windows = List.copyOf(windows);
    }

    /**
     * One window.
     *
     * @param window           the window index
     * @param imbalance        max/mean GPU load of the placement in force, on this window's tokens
     * @param computeSeconds   expert compute time of the window (set by the most loaded GPU)
     * @param allToAllSeconds  all-to-all time of the window (four per step)
     * @param migrations       expert replicas copied before this window
     * @param migrationSeconds time those copies took
     * @param replaced         whether a new placement took effect before this window
     */
    public record Window(int window, double imbalance, double computeSeconds, double allToAllSeconds,
                         int migrations, double migrationSeconds, boolean replaced) {
        /** @return compute + all-to-all + migration time */
        public double totalSeconds() {
            return computeSeconds + allToAllSeconds + migrationSeconds;
        }
    }

    /** @return total time over the trace */
    public double totalSeconds() {
        double t = 0;
        for (Window w : windows) {
            t += w.totalSeconds();
        }
        return t;
    }

    /** @return mean of the windows' imbalance */
    public double meanImbalance() {
        double t = 0;
        for (Window w : windows) {
            t += w.imbalance();
        }
        return windows.isEmpty() ? 1 : t / windows.size();
    }

    /** @return total replicas copied */
    public int totalMigrations() {
        int n = 0;
        for (Window w : windows) {
            n += w.migrations();
        }
        return n;
    }

    /** @return how many times the placement changed */
    public int replacements() {
        int n = 0;
        for (Window w : windows) {
            n += w.replaced() ? 1 : 0;
        }
        return n;
    }
}
