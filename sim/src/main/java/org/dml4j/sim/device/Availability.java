package org.dml4j.sim.device;

import java.util.Arrays;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.trace.TraceCsv;

/**
 * When each client is online: always, periodically (a duty cycle with a per-client phase drawn from the seed path
 * {@code devices/availability/<id>}), or from explicit windows. Every kind guarantees that each client is online
 * some time: a configuration under which a client is never available is rejected.
 *
 * <p>Immutable and thread-safe.
 */
public abstract sealed class Availability {
    private Availability() {
    }

    /** @return the client is always online */
    public static Availability always() {
        return Always.INSTANCE;
    }

    /**
     * @param period         seconds of one cycle, &gt; 0
     * @param onlineFraction fraction of the cycle online, in (0, 1]
     * @param seeds          the run's seed tree (phases come from {@code devices/availability/<id>})
     * @return periodic availability
     */
    public static Availability periodic(double period, double onlineFraction, SeedTree seeds) {
        return new Periodic(period, onlineFraction, seeds);
    }

    /**
     * Reads availability windows from a CSV file with columns {@code client,start,end} (seconds; a client online on
     * {@code [start, end)}; several rows per client allowed, in any order, not overlapping).
     *
     * @param csv     the file's rows
     * @param clients number of clients; every one of them needs a window
     * @return windows availability
     * @throws IllegalArgumentException naming the file and line of an unknown client id, a window with
     *         {@code end <= start}, a negative start or overlapping windows; or naming a client with no window (never
     *         available)
     */
    public static Availability windows(TraceCsv csv, int clients) {
        return new Windows(csv, clients);
    }

    /**
     * @param events  who leaves and joins when ({@link org.dml4j.sim.ChurnEvent#check}: ids exist, nobody leaves
     *                twice or joins while present); every client is online at the start
     * @param clients number of clients
     * @return online from the start until a client's leave, again from its join
     * @throws IllegalArgumentException naming the entry of a bad schedule, or a client that leaves at 0 and never
     *         joins (never available)
     */
    public static Availability churn(org.dml4j.sim.ChurnEvent[] events, int clients) {
        return new Churn(events, clients);
    }

    abstract boolean isOnline(int client, double time);

    abstract double nextOnline(int client, double time);

    abstract double onlineUntil(int client, double time);

    private static final class Always extends Availability {
        static final Always INSTANCE = new Always();

        @Override
        boolean isOnline(int client, double time) {
            return true;
        }

        @Override
        double nextOnline(int client, double time) {
            return time;
        }

        @Override
        double onlineUntil(int client, double time) {
            return Double.POSITIVE_INFINITY;
        }
    }

    private static final class Periodic extends Availability {
        private final double period;
        private final double online;
        private final SeedTree phases;

        Periodic(double period, double fraction, SeedTree seeds) {
            if (!(period > 0) || period == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("period-s must be finite and > 0, got " + period);
            }
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("online-fraction must be in (0, 1] (0 means a device is never"
                        + " available), got " + fraction);
            }
            this.period = period;
            this.online = fraction * period;
            this.phases = seeds.child("devices").child("availability");
        }

        /** Position of {@code time} within the client's cycle: online on [0, online). */
        private double position(int client, double time) {
            double phase = phases.child(client).random().nextDouble() * period;
            double x = (time + phase) % period;
            return x < 0 ? x + period : x;
        }

        @Override
        boolean isOnline(int client, double time) {
            return online >= period || position(client, time) < online;
        }

        /**
         * The first time at or after {@code time} at which the client is online. The boundary is computed in floating
         * point, so it is nudged up until {@link #isOnline} agrees: a caller that waits until this time finds the
         * client online, and the clock always moves forward.
         */
        @Override
        double nextOnline(int client, double time) {
            if (online >= period) {
                return time;
            }
            double x = position(client, time);
            if (x < online) {
                return time;
            }
            double t = Math.max(time + (period - x), Math.nextUp(time));
            while (!isOnline(client, t)) {
                t = Math.nextUp(t);
            }
            return t;
        }

        /** The end of the current online period: later than {@code time}, and the client is offline then. */
        @Override
        double onlineUntil(int client, double time) {
            if (online >= period) {
                return Double.POSITIVE_INFINITY;
            }
            double x = position(client, time);
            if (x >= online) {
                return time;
            }
            double t = Math.max(time + (online - x), Math.nextUp(time));
            while (isOnline(client, t)) {
                t = Math.nextUp(t);
            }
            return t;
        }
    }

    private static final class Churn extends Availability {
        private final double[][] toggles; // per client, ascending: the times its state flips (online at 0)

        Churn(org.dml4j.sim.ChurnEvent[] events, int clients) {
            org.dml4j.sim.ChurnEvent[] sorted;
            try {
                sorted = org.dml4j.sim.ChurnEvent.check(events, clients, 0, "");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("availability 'churn': " + e.getMessage().replace("peer", "client"),
                        e);
            }
            double[][] t = new double[clients][0];
            for (org.dml4j.sim.ChurnEvent e : sorted) {
                for (int c : e.leave()) {
                    t[c] = append(t[c], e.at());
                }
                for (int c : e.join()) {
                    t[c] = append(t[c], e.at());
                }
            }
            for (int c = 0; c < clients; c++) {
                if (t[c].length % 2 == 1 && t[c][t[c].length - 1] == 0) {
                    throw new IllegalArgumentException("availability 'churn': client " + c + " leaves at 0 and never"
                            + " joins, so it is never available");
                }
            }
            toggles = t;
        }

        private static double[] append(double[] a, double v) {
            double[] b = Arrays.copyOf(a, a.length + 1);
            b[a.length] = v;
            return b;
        }

        /** Number of flips at or before {@code time}. */
        private int flips(int client, double time) {
            double[] t = toggles[client];
            int k = 0;
            while (k < t.length && t[k] <= time) {
                k++;
            }
            return k;
        }

        @Override
        boolean isOnline(int client, double time) {
            return flips(client, time) % 2 == 0;
        }

        @Override
        double nextOnline(int client, double time) {
            int k = flips(client, time);
            if (k % 2 == 0) {
                return time;
            }
            return k < toggles[client].length ? toggles[client][k] : Double.POSITIVE_INFINITY;
        }

        @Override
        double onlineUntil(int client, double time) {
            int k = flips(client, time);
            if (k % 2 == 1) {
                return time;
            }
            return k < toggles[client].length ? toggles[client][k] : Double.POSITIVE_INFINITY;
        }
    }

    private static final class Windows extends Availability {
        private final int[] first; // first[c] .. first[c+1]-1 index the client's windows, sorted by start
        private final double[] starts;
        private final double[] ends;

        Windows(TraceCsv csv, int clients) {
            int n = csv.rows();
            int[] client = new int[n];
            int[] count = new int[clients + 1];
            for (int r = 0; r < n; r++) {
                client[r] = csv.index(r, 0, clients);
                double s = csv.value(r, 1);
                double e = csv.value(r, 2);
                if (!(s >= 0) || s == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException(csv.where(r) + ": start must be finite and >= 0, got " + s);
                }
                if (!(e > s)) {
                    throw new IllegalArgumentException(csv.where(r) + ": end must be > start (" + s + "), got " + e);
                }
                count[client[r] + 1]++;
            }
            for (int c = 0; c < clients; c++) {
                if (count[c + 1] == 0) {
                    throw new IllegalArgumentException(csv.file() + ": client " + c + " has no window, so it is never"
                            + " available");
                }
                count[c + 1] += count[c];
            }
            first = count.clone();
            Integer[] order = new Integer[n];
            for (int r = 0; r < n; r++) {
                order[r] = r;
            }
            Arrays.sort(order, (a, b) -> client[a] != client[b] ? Integer.compare(client[a], client[b])
                    : Double.compare(csv.value(a, 1), csv.value(b, 1)));
            double[] st = new double[n];
            double[] en = new double[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                int r = order[i];
                double s = csv.value(r, 1);
                double e = csv.value(r, 2);
                boolean sameClient = i > 0 && client[order[i - 1]] == client[r];
                if (sameClient && s < en[m - 1]) {
                    throw new IllegalArgumentException(csv.where(r) + ": window [" + s + ", " + e + ") of client "
                            + client[r] + " overlaps the one at " + csv.where(order[i - 1]));
                }
                if (sameClient && s == en[m - 1]) {
                    en[m - 1] = e; // touching windows are one online period
                } else {
                    st[m] = s;
                    en[m] = e;
                    m++;
                }
                first[client[r] + 1] = m;
            }
            starts = Arrays.copyOf(st, m);
            ends = Arrays.copyOf(en, m);
        }

        /** Index of the client's last window starting at or before {@code time}, or first-1 when none. */
        private int windowAt(int client, double time) {
            int lo = first[client];
            int hi = first[client + 1] - 1;
            int found = lo - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (starts[mid] <= time) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }

        @Override
        boolean isOnline(int client, double time) {
            int w = windowAt(client, time);
            return w >= first[client] && time < ends[w];
        }

        @Override
        double nextOnline(int client, double time) {
            if (isOnline(client, time)) {
                return time;
            }
            int next = windowAt(client, time) + 1;
            return next < first[client + 1] ? starts[next] : Double.POSITIVE_INFINITY;
        }

        @Override
        double onlineUntil(int client, double time) {
            int w = windowAt(client, time);
            return w >= first[client] && time < ends[w] ? ends[w] : time;
        }
    }
}
