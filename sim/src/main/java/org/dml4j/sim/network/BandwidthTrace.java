package org.dml4j.sim.network;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

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
        double[] t = new double[16];
        double[] b = new double[16];
        int n = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                String where = file + ":" + lineNo;
                String[] f = s.split(",", -1);
                if (n == 0 && f.length == 2 && f[0].strip().toLowerCase(Locale.ROOT).equals("time")) {
                    if (!f[1].strip().toLowerCase(Locale.ROOT).equals("bandwidth")) {
                        throw new IllegalArgumentException(where + ": header must be 'time,bandwidth', got '" + s
                                + "'");
                    }
                    continue;
                }
                if (f.length != 2) {
                    throw new IllegalArgumentException(where + ": expected 'time,bandwidth', got '" + s + "'");
                }
                double time = number(f[0], where, "time");
                double mbps = number(f[1], where, "bandwidth");
                checkRow(where, time, n == 0 ? Double.NaN : t[n - 1], mbps);
                if (n == t.length) {
                    t = Arrays.copyOf(t, 2 * n);
                    b = Arrays.copyOf(b, 2 * n);
                }
                t[n] = time;
                b[n] = BandwidthProfile.mbps(mbps);
                n++;
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("bandwidth trace not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        if (n == 0) {
            throw new IllegalArgumentException(file + ": no rows (expected 'time,bandwidth' lines)");
        }
        return new BandwidthTrace(Arrays.copyOf(t, n), Arrays.copyOf(b, n), loop, file.toString());
    }

    private static double number(String s, String where, String field) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + field + " is not a number: '" + s.strip() + "'");
        }
    }

    /** @return the number of rows */
    public int size() {
        return times.length;
    }

    @Override
    public double bytesPerSecond(double time) {
        return bytesPerSecond[segment(local(time))];
    }

    @Override
    public double nextChange(double time) {
        double local = local(time);
        int i = segment(local);
        if (i + 1 < times.length) {
            return time + (times[i + 1] - local);
        }
        if (period == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        double next = time + (times[0] + period - local); // wraps to the first row
        return next > time ? next : Math.nextUp(time);
    }

    /** Time folded into [t_0, t_0 + period) when looping; unchanged otherwise. */
    private double local(double time) {
        if (period == Double.POSITIVE_INFINITY || time < times[0]) {
            return time;
        }
        double k = Math.floor((time - times[0]) / period);
        double l = time - k * period;
        return l >= times[0] + period ? l - period : l;
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
