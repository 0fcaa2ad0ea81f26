package org.dml4j.sim.network;

import java.nio.file.Path;
import java.util.Arrays;
import org.dml4j.sim.trace.TraceCsv;

/**
 * Capacity over time from a measured trace: at times {@code t_0 < t_1 < ...} the capacity becomes {@code b_0, b_1,
 * ...}; before {@code t_0} it is {@code b_0}, after the last time it stays at the last value, or, with {@code loop},
 * the trace repeats with period {@code t_last - t_0 + (t_last - t_{last-1})} (the last segment lasts as long as the one
 * before it; a one-row trace is constant).
 *
 * <p>The file format is CSV with a {@code time,bandwidth} header (optional) and one row per change: time in seconds,
 * bandwidth in megabits per second. Blank lines and lines starting with {@code #} are skipped. Negative or
 * non-increasing times and bandwidths that are not positive are rejected with the file and line.
 *
 * <p>Immutable and thread-safe.
 */
public final class BandwidthTrace implements BandwidthProfile {
    private final double[] times;
    private final double[] bytesPerSecond;
    private final double period;

    /**
     * @param times          change times in seconds, &gt;= 0 and strictly increasing (copied)
     * @param bytesPerSecond capacity from each change time on, &gt; 0 and finite (copied)
     * @param loop           repeat the trace after its end
     */
    public BandwidthTrace(double[] times, double[] bytesPerSecond, boolean loop) {
        this(times.clone(), bytesPerSecond.clone(), loop, "trace");
    }

    private BandwidthTrace(double[] times, double[] bytesPerSecond, boolean loop, String source) {
        if (times.length == 0 || times.length != bytesPerSecond.length) {
            throw new IllegalArgumentException(source + ": needs one bandwidth per time and at least one row, got "
                    + times.length + " times and " + bytesPerSecond.length + " bandwidths");
        }
        for (int i = 0; i < times.length; i++) {
            checkRow(source + " row " + (i + 1), times[i], i == 0 ? Double.NaN : times[i - 1], bytesPerSecond[i]);
        }
        this.times = times;
        this.bytesPerSecond = bytesPerSecond;
        int n = times.length;
        this.period = !loop || n == 1 ? Double.POSITIVE_INFINITY
                : times[n - 1] - times[0] + (times[n - 1] - times[n - 2]);
    }

    private static void checkRow(String where, double time, double previous, double bps) {
        if (!(time >= 0) || time == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(where + ": time must be finite and >= 0, got " + time);
        }
        if (time <= previous) {
            throw new IllegalArgumentException(where + ": times must increase, got " + time + " after " + previous);
        }
        if (!(bps > 0) || bps == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(where + ": bandwidth must be finite and > 0, got " + bps);
        }
    }

    /**
     * Reads a {@code time,bandwidth} CSV file (seconds, megabits per second).
     *
     * @param file the trace
     * @param loop repeat after the end
     * @return the trace
     * @throws IllegalArgumentException naming the file and line of the first bad row, or when the file is missing
     */
    public static BandwidthTrace read(Path file, boolean loop) {
        TraceCsv csv = TraceCsv.read(file, "time", "bandwidth");
        double[] t = csv.column(0);
        double[] b = csv.column(1);
        for (int i = 0; i < t.length; i++) {
            checkRow(csv.where(i), t[i], i == 0 ? Double.NaN : t[i - 1], b[i]);
            b[i] = BandwidthProfile.mbps(b[i]);
        }
        return new BandwidthTrace(t, b, loop, file.toString());
    }

    /** @return the number of rows */
    public int size() {
        return times.length;
    }

    @Override
    public double bytesPerSecond(double time) {
        return bytesPerSecond[(int) (slot(time) % times.length)];
    }

    /**
     * The next change time. Without looping it is the next row's time, exactly; with looping the boundary is
     * computed in floating point and nudged up until {@link #bytesPerSecond} reads the next row there.
     */
    @Override
    public double nextChange(double time) {
        if (period == Double.POSITIVE_INFINITY) {
            int i = time < times[0] ? 0 : segment(time);
            return i + 1 < times.length ? times[i + 1] : Double.POSITIVE_INFINITY;
        }
        long s = slot(time);
        int row = (int) (s % times.length);
        double local = local(time);
        double boundary = row + 1 < times.length ? times[row + 1] : times[0] + period;
        double next = Math.max(time + (boundary - local), Math.nextUp(time));
        while (slot(next) == s) {
            next = Math.nextUp(next);
        }
        return next;
    }

    /** Time folded into [t_0, t_0 + period) when looping (unchanged before t_0). */
    private double local(double time) {
        if (time < times[0]) {
            return time;
        }
        double k = cycle(time);
        return time - k * period;
    }

    /** The number of whole periods since t_0, consistent with {@link #local}. */
    private double cycle(double time) {
        double k = Math.floor((time - times[0]) / period);
        double l = time - k * period;
        if (l >= times[0] + period) {
            k += 1;
        } else if (l < times[0]) {
            k -= 1;
        }
        return k;
    }

    /** The (cycle, row) in force at {@code time}, as {@code cycle * rows + row}. */
    private long slot(double time) {
        if (period == Double.POSITIVE_INFINITY || time < times[0]) {
            return segment(time);
        }
        double k = cycle(time);
        return (long) k * times.length + segment(time - k * period);
    }

    /** Index of the row in force at {@code local} (row 0 before the first time). */
    private int segment(double local) {
        int i = Arrays.binarySearch(times, local);
        if (i >= 0) {
            return i;
        }
        int ins = -i - 1;
        return Math.max(0, ins - 1);
    }
}
