package org.dml4j.data.partition;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of the {@code dirichlet} partitioner.
 *
 * <p>Config-file keys: {@code alpha} (required), {@code min-size} (default {@value #MIN_SIZE_DEFAULT}),
 * {@code max-retries} (default {@value #MAX_RETRIES_DEFAULT}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param alpha      Dirichlet concentration, finite and positive: small values (0.1) give strong label skew, large
 *                   ones (100 and up) approach an IID split
 * @param minSize    the fewest samples any client may hold, at least 1
 * @param maxRetries how many fresh draws to try for a split in which every client has {@code minSize} samples
 *                   before moving samples from the largest clients to the small ones, at least 0
 */
public record DirichletConfig(double alpha, int minSize, int maxRetries) implements PartitionerConfig {
    /** Default of {@code min-size}, as in NIID-Bench. */
    public static final int MIN_SIZE_DEFAULT = 10;
    /** Default of {@code max-retries}. */
    public static final int MAX_RETRIES_DEFAULT = 100;

    /** Validates the fields. */
    public DirichletConfig {
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be finite and > 0, got " + alpha);
        }
        if (minSize < 1) {
            throw new IllegalArgumentException("min-size must be >= 1, got " + minSize);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max-retries must be >= 0, got " + maxRetries);
        }
    }

    /** @param alpha Dirichlet concentration; the other fields take their defaults */
    public DirichletConfig(double alpha) {
        this(alpha, MIN_SIZE_DEFAULT, MAX_RETRIES_DEFAULT);
    }

    /**
     * Binds a config-file table; absent keys take their defaults.
     *
     * @param alpha      {@code alpha}
     * @param minSize    {@code min-size}, or null
     * @param maxRetries {@code max-retries}, or null
     * @return the configuration
     */
    @JsonCreator
    public static DirichletConfig of(@JsonProperty(value = "alpha", required = true) double alpha,
                                     @JsonProperty("min-size") Integer minSize,
                                     @JsonProperty("max-retries") Integer maxRetries) {
        return new DirichletConfig(alpha, minSize == null ? MIN_SIZE_DEFAULT : minSize,
                maxRetries == null ? MAX_RETRIES_DEFAULT : maxRetries);
    }
}
