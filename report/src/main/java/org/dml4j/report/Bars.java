package org.dml4j.report;

import java.util.Objects;

/**
 * One group of bars of a {@link BarChart}: a value per category (side by side with the other groups, or stacked on
 * them).
 *
 * @param name   legend label
 * @param values one value per category, finite and {@code >= 0}
 */
public record Bars(String name, double[] values) {
    /** Validates and copies the values. */
    public Bars {
        Objects.requireNonNull(name, "name");
        values = values.clone();
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0 && Double.isFinite(values[i]))) {
                throw new IllegalArgumentException("bars '" + name + "': values[" + i + "] must be finite and >= 0, "
                        + "got " + values[i]);
            }
        }
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    double value(int i) {
        return values[i];
    }

    int size() {
        return values.length;
    }
}
