package org.dml4j.data.partition;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * Configuration of the {@code quantity-skew} partitioner.
 *
 * <p>Config-file keys: {@code skew-ratio} (required), {@code series} ({@code "geometric"}, the default, or
 * {@code "arithmetic"}), {@code label-mix} ({@code "iid"} or {@code "dirichlet"}; default {@code "dirichlet"} when
 * {@code alpha} is given, else {@code "iid"}) and {@code alpha} (required with {@code label-mix = "dirichlet"}, not
 * allowed otherwise).
 *
 * <p>Immutable and thread-safe.
 *
 * @param skewRatio SR, the size of the largest client over the size of the smallest, at least 1
 * @param series    how sizes fall from the largest client to the smallest
 * @param labelMix  how each client's samples are chosen among the classes
 * @param alpha     with {@link LabelMix#DIRICHLET}: the concentration of each client's class mix, finite and
 *                  positive; with {@link LabelMix#IID}: {@code NaN} (unused)
 */
public record QuantitySkewConfig(double skewRatio, Series series, LabelMix labelMix, double alpha)
        implements PartitionerConfig {

    /** Shape of the client-size series (DAGC, specs/algorithms.md §1.7). */
    public enum Series {
        /** Sizes fall linearly: {@code SR, ..., 1} in equal steps over the clients (DAGC paper). */
        ARITHMETIC,
        /**
         * Sizes fall geometrically: {@code logspace(log10 SR, 0, n - 1)} with the last value repeated for the
         * {@code n}-th client, as in the DAGC reference code ({@code SR, 1} for two clients).
         */
        GEOMETRIC;

        /** @return the config-file spelling */
        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param key {@code "arithmetic"} or {@code "geometric"}, any case
         * @return the series
         * @throws IllegalArgumentException naming the known values
         */
        @JsonCreator
        public static Series of(String key) {
            return switch (Objects.requireNonNull(key, "series").toLowerCase(Locale.ROOT)) {
                case "arithmetic" -> ARITHMETIC;
                case "geometric" -> GEOMETRIC;
                default -> throw new IllegalArgumentException("series must be arithmetic or geometric, got '" + key
                        + "'");
            };
        }
    }

    /** How a client's samples are drawn from the classes. */
    public enum LabelMix {
        /** Uniformly from all samples: each client follows the global label proportions. */
        IID,
        /** Each client draws its own class proportions from {@code Dir(alpha)} over the classes. */
        DIRICHLET;

        /** @return the config-file spelling */
        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param key {@code "iid"} or {@code "dirichlet"}, any case
         * @return the label mix
         * @throws IllegalArgumentException naming the known values
         */
        @JsonCreator
        public static LabelMix of(String key) {
            return switch (Objects.requireNonNull(key, "label-mix").toLowerCase(Locale.ROOT)) {
                case "iid" -> IID;
                case "dirichlet" -> DIRICHLET;
                default -> throw new IllegalArgumentException("label-mix must be iid or dirichlet, got '" + key
                        + "'");
            };
        }
    }

    /** Validates the fields. */
    public QuantitySkewConfig {
        if (!(skewRatio >= 1) || !Double.isFinite(skewRatio)) {
            throw new IllegalArgumentException("skew-ratio must be finite and >= 1, got " + skewRatio);
        }
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(labelMix, "labelMix");
        if (labelMix == LabelMix.DIRICHLET && (!(alpha > 0) || !Double.isFinite(alpha))) {
            throw new IllegalArgumentException("alpha must be finite and > 0 with label-mix = dirichlet, got "
                    + alpha);
        }
        if (labelMix == LabelMix.IID && !Double.isNaN(alpha)) {
            throw new IllegalArgumentException("alpha is only used with label-mix = dirichlet, got alpha = " + alpha
                    + " with label-mix = iid");
        }
    }

    /**
     * @param skewRatio SR, at least 1
     * @param series    the size series
     * @return sizes skewed by SR, each client's samples drawn IID
     */
    public static QuantitySkewConfig iid(double skewRatio, Series series) {
        return new QuantitySkewConfig(skewRatio, series, LabelMix.IID, Double.NaN);
    }

    /**
     * @param skewRatio SR, at least 1
     * @param series    the size series
     * @param alpha     concentration of each client's class mix
     * @return sizes skewed by SR, each client's class mix drawn from {@code Dir(alpha)}
     */
    public static QuantitySkewConfig dirichlet(double skewRatio, Series series, double alpha) {
        return new QuantitySkewConfig(skewRatio, series, LabelMix.DIRICHLET, alpha);
    }

    /**
     * Binds a config-file table; absent keys take their defaults.
     *
     * @param skewRatio {@code skew-ratio}
     * @param series    {@code series}, or null for geometric
     * @param labelMix  {@code label-mix}, or null for dirichlet when {@code alpha} is given and iid otherwise
     * @param alpha     {@code alpha}, or null
     * @return the configuration
     */
    @JsonCreator
    public static QuantitySkewConfig of(@JsonProperty(value = "skew-ratio", required = true) double skewRatio,
                                        @JsonProperty("series") Series series,
                                        @JsonProperty("label-mix") LabelMix labelMix,
                                        @JsonProperty("alpha") Double alpha) {
        LabelMix mix = labelMix != null ? labelMix : alpha != null ? LabelMix.DIRICHLET : LabelMix.IID;
        return new QuantitySkewConfig(skewRatio, series == null ? Series.GEOMETRIC : series, mix,
                alpha == null ? Double.NaN : alpha);
    }
}
