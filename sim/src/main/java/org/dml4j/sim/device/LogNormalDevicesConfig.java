package org.dml4j.sim.device;

import java.util.Locale;

/**
 * Configuration of {@code [devices] type = "lognormal"}: each client's seconds per local step is
 * {@code median * exp(sigma * Z)}, with {@code Z} standard normal drawn once per client from the seed path
 * {@code devices/speed/<id>}. The ratio between the 95th and 5th percentile client is {@code exp(3.29 * sigma)}:
 * sigma 0.7 gives a spread of about 10x. Draws are clipped to {@code [median / clip, median * clip]}.
 * Preset {@code "mobile"}: median 0.2 s, sigma 0.7, clip 30, always online, no dropout; keys given override it.
 *
 * @param preset               {@code "mobile"} or null
 * @param medianSecondsPerStep the median client's seconds per step, &gt; 0
 * @param sigma                log-scale standard deviation, in [0, 5]
 * @param clip                 largest ratio to the median either way, &gt;= 1 (default 30)
 * @param availability         when clients are online (default always)
 * @param dropout              probability that a task is interrupted, in [0, 1) (default 0)
 */
public record LogNormalDevicesConfig(String preset, Double medianSecondsPerStep, Double sigma, Double clip,
        AvailabilityConfig availability, Double dropout) implements DeviceConfig {
    /** Fills keys from the preset and validates; messages name the key and the value. */
    public LogNormalDevicesConfig {
        if (preset != null) {
            if (!preset.toLowerCase(Locale.ROOT).equals("mobile")) {
                throw new IllegalArgumentException("preset must be mobile, got '" + preset + "'");
            }
            medianSecondsPerStep = medianSecondsPerStep != null ? medianSecondsPerStep : 0.2;
            sigma = sigma != null ? sigma : 0.7;
        }
        if (medianSecondsPerStep == null || sigma == null) {
            throw new IllegalArgumentException("lognormal devices need median-seconds-per-step and sigma (or preset"
                    + " = \"mobile\"), got median-seconds-per-step=" + medianSecondsPerStep + ", sigma=" + sigma);
        }
        DeviceChecks.positive("median-seconds-per-step", medianSecondsPerStep);
        if (!(sigma >= 0 && sigma <= 5)) {
            throw new IllegalArgumentException("sigma must be in [0, 5], got " + sigma);
        }
        clip = clip == null ? 30.0 : clip;
        if (!(clip >= 1) || clip == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("clip must be finite and >= 1, got " + clip);
        }
        availability = availability == null ? AvailabilityConfig.always() : availability;
        dropout = dropout == null ? 0.0 : dropout;
        DeviceChecks.dropout(dropout);
    }

    /** @return the {@code "mobile"} preset */
    public static LogNormalDevicesConfig mobile() {
        return new LogNormalDevicesConfig("mobile", null, null, null, null, null);
    }
}
