package org.dml4j.report;

import java.util.Objects;

/**
 * One line of a {@link LineChart}: points {@code (x[i], y[i])}; non-finite points are skipped.
 *
 * @param name legend label
 * @param x    x values
 * @param y    y values, same length
 */
public record Series(String name, double[] x, double[] y) {
    /** Validates lengths and copies the arrays. */
    public Series {
        Objects.requireNonNull(name, "name");
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y must have the same length, got " + x.length + " and "
                    + y.length);
        }
        x = x.clone();
        y = y.clone();
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }
}
