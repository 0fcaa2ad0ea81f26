package org.dml4j.sim.device;

import java.nio.file.Path;
import java.util.Locale;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.trace.TraceCsv;

/**
 * When clients are online ({@code availability = { type = "...", ... }} inside {@code [devices]}).
 * <ul>
 *   <li>{@code "always"} (the default);</li>
 *   <li>{@code "periodic"}: online {@code online-fraction} of every {@code period-s} seconds, each client with its
 *       own phase (a diurnal cycle, for instance);</li>
 *   <li>{@code "windows"}: the windows listed in {@code file}, a CSV {@code client,start,end} (seconds);</li>
 *   <li>{@code "churn"}: every client online from the start; at the times of {@code events = [{ at = 30.0,
 *       leave = [3, 7] }, { at = 60.0, join = [3] }]} clients leave and join without stopping the run (the same
 *       schedule as {@code [gossip] churn}).</li>
 * </ul>
 *
 * @param type           {@code "always"}, {@code "periodic"} or {@code "windows"}
 * @param onlineFraction periodic: fraction of each period online, in (0, 1]
 * @param periodS        periodic: seconds per cycle, &gt; 0
 * @param file           windows: the CSV file, relative to the experiment's directory
 * @param events         churn: who leaves and joins when
 */
public record AvailabilityConfig(String type, Double onlineFraction, Double periodS, String file,
                                 org.dml4j.sim.ChurnEvent[] events) {
    /**
     * Availability without a churn schedule.
     *
     * @param type           see the record
     * @param onlineFraction see the record
     * @param periodS        see the record
     * @param file           see the record
     */
    public AvailabilityConfig(String type, Double onlineFraction, Double periodS, String file) {
        this(type, onlineFraction, periodS, file, null);
    }

    /** Validates; messages name the key and the value. */
    public AvailabilityConfig {
        type = type == null ? "always" : type.toLowerCase(Locale.ROOT);
        if (events != null && !type.equals("churn")) {
            throw new IllegalArgumentException("availability '" + type + "' takes no events (they are type = \"churn\""
                    + "'s)");
        }
        events = events == null ? null : events.clone();
        switch (type) {
            case "churn" -> {
                if (events == null || events.length == 0) {
                    throw new IllegalArgumentException("availability 'churn' needs events = [{ at = ..., leave = [...]"
                            + " }, ...]");
                }
                if (onlineFraction != null || periodS != null || file != null) {
                    throw new IllegalArgumentException("availability 'churn' takes only events");
                }
            }
            case "always" -> none(onlineFraction, periodS, file);
            case "periodic" -> {
                if (onlineFraction == null || periodS == null) {
                    throw new IllegalArgumentException("availability 'periodic' needs online-fraction and period-s");
                }
                if (!(onlineFraction > 0 && onlineFraction <= 1)) {
                    throw new IllegalArgumentException("availability online-fraction must be in (0, 1] (0: a device"
                            + " is never available), got " + onlineFraction);
                }
                if (!(periodS > 0) || periodS == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("availability period-s must be finite and > 0, got "
                            + periodS);
                }
                if (file != null) {
                    throw new IllegalArgumentException("availability 'periodic' takes no file, got '" + file + "'");
                }
            }
            case "windows" -> {
                if (file == null || file.isBlank()) {
                    throw new IllegalArgumentException("availability 'windows' needs file = \"...\" (CSV"
                            + " client,start,end)");
                }
                if (onlineFraction != null || periodS != null) {
                    throw new IllegalArgumentException("availability 'windows' takes only a file");
                }
            }
            default -> throw new IllegalArgumentException("availability type must be always, periodic, windows or"
                    + " churn, got '" + type + "'");
        }
    }

    private static void none(Double fraction, Double period, String file) {
        if (fraction != null || period != null || file != null) {
            throw new IllegalArgumentException("availability 'always' takes no other key");
        }
    }

    /** @return a copy of the churn events, or null */
    @Override
    public org.dml4j.sim.ChurnEvent[] events() {
        return events == null ? null : events.clone();
    }

    /** @return always online */
    public static AvailabilityConfig always() {
        return new AvailabilityConfig("always", null, null, null);
    }

    /**
     * @param clients number of clients
     * @param seeds   the run's seed tree
     * @param baseDir directory against which a relative file is resolved, or null
     * @return the availability
     */
    public Availability create(int clients, SeedTree seeds, Path baseDir) {
        return switch (type) {
            case "periodic" -> Availability.periodic(periodS, onlineFraction, seeds);
            case "windows" -> Availability.windows(TraceCsv.read(resolve(file, baseDir), "client", "start", "end"),
                    clients);
            case "churn" -> Availability.churn(events, clients);
            default -> Availability.always();
        };
    }

    static Path resolve(String file, Path baseDir) {
        Path p = Path.of(file);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
    }
}
