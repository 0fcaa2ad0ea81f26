package org.dml4j.sim.device;

/**
 * Configuration of {@code [devices] type = "constant"}: every client takes the same time per local step.
 *
 * @param secondsPerStep virtual seconds per local step, &gt; 0
 * @param availability   when clients are online (default always)
 * @param dropout        probability that a task is interrupted, in [0, 1)
 */
public record ConstantDevicesConfig(double secondsPerStep, AvailabilityConfig availability, double dropout)
        implements DeviceConfig {
    /** Validates; messages name the key and the value. */
    public ConstantDevicesConfig {
        DeviceChecks.positive("seconds-per-step", secondsPerStep);
        availability = availability == null ? AvailabilityConfig.always() : availability;
        DeviceChecks.dropout(dropout);
    }

    /** @return 0.1 s per step, always online, no dropout */
    public static ConstantDevicesConfig defaults() {
        return new ConstantDevicesConfig(0.1, AvailabilityConfig.always(), 0);
    }
}
