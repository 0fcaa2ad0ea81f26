package org.dml4j.model.djl;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.dml4j.model.ModelConfig;

/** Checks shared by the model providers and their config records. Stateless. */
final class ProviderSupport {
    private ProviderSupport() {
    }

    /**
     * @param config the config handed to a provider
     * @param type   the provider's config type
     * @param model  the provider's name, for the message
     * @param <C>    the config type
     * @return {@code config} cast to {@code type}
     */
    static <C extends ModelConfig> C cast(ModelConfig config, Class<C> type, String model) {
        Objects.requireNonNull(config, "config");
        if (!type.isInstance(config)) {
            throw new IllegalArgumentException("model type " + model + " needs a " + type.getSimpleName()
                    + ", got " + config.getClass().getSimpleName());
        }
        return type.cast(config);
    }

    /**
     * Validates the arguments every provider receives.
     *
     * @param sampleShape shape of one sample
     * @param numClasses  number of classes
     * @return the number of values per sample
     */
    static int checkInput(int[] sampleShape, int numClasses) {
        Objects.requireNonNull(sampleShape, "sampleShape");
        if (sampleShape.length == 0) {
            throw new IllegalArgumentException("sampleShape must have at least one dimension");
        }
        long size = 1;
        for (int d : sampleShape) {
            if (d < 1) {
                throw new IllegalArgumentException("sampleShape must be positive, got " + Arrays.toString(sampleShape));
            }
            size *= d;
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sampleShape " + Arrays.toString(sampleShape) + " is too large");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        return (int) size;
    }

    /**
     * Reads a sample shape as an image {@code (channels, height, width)}: a 3-D shape as it is, a 2-D shape as one
     * channel, and a flat shape of {@code s²} values as one {@code s×s} channel.
     *
     * @param sampleShape shape of one sample
     * @param model       the provider's name, for the message
     * @return {@code {channels, height, width}}
     */
    static int[] imageShape(int[] sampleShape, String model) {
        return switch (sampleShape.length) {
            case 3 -> sampleShape.clone();
            case 2 -> new int[] {1, sampleShape[0], sampleShape[1]};
            case 1 -> {
                int side = (int) Math.round(Math.sqrt(sampleShape[0]));
                if (side * side != sampleShape[0]) {
                    throw new IllegalArgumentException("model type " + model + " needs image samples (channels, "
                            + "height, width); a flat sample of " + sampleShape[0] + " values is not square");
                }
                yield new int[] {1, side, side};
            }
            default -> throw new IllegalArgumentException("model type " + model + " needs image samples (channels, "
                    + "height, width), got shape " + Arrays.toString(sampleShape));
        };
    }

    /**
     * Validates a list of layer widths and copies it.
     *
     * @param field    the config field, kebab-case as in config files
     * @param values   the widths
     * @param minCount least number of entries
     * @param maxCount most number of entries
     * @return an immutable copy
     */
    static List<Integer> positiveList(String field, List<Integer> values, int minCount, int maxCount) {
        if (values.size() < minCount || values.size() > maxCount) {
            String want = minCount == maxCount ? "exactly " + minCount : "between " + minCount + " and " + maxCount;
            throw new IllegalArgumentException(field + " must have " + want + " entries, got " + values);
        }
        for (Integer v : values) {
            if (v == null || v < 1) {
                throw new IllegalArgumentException(field + " entries must be >= 1, got " + values);
            }
        }
        return List.copyOf(values);
    }

    /**
     * @param field the config field, kebab-case
     * @param value the value
     * @param min   least allowed value
     * @return {@code value}
     */
    static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
        }
        return value;
    }
}
