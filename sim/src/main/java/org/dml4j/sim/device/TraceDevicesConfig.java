package org.dml4j.sim.device;

/**
 * Configuration of {@code [devices] type = "trace"}: each client's seconds per local step from a CSV file with
 * columns {@code client,seconds-per-step}, one row per client (a measured device profile).
 *
 * @param file         the CSV file, relative to the experiment's directory
 * @param availability when clients are online (default always)
 * @param dropout      probability that a task is interrupted, in [0, 1)
 */
public record TraceDevicesConfig(String file, AvailabilityConfig availability, double dropout)
        implements DeviceConfig {
    /** Validates; messages name the key and the value. */
    public TraceDevicesConfig {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("trace devices need file = \"...\" (CSV client,seconds-per-step)");
        }
        availability = availability == null ? AvailabilityConfig.always() : availability;
        DeviceChecks.dropout(dropout);
    }
}
