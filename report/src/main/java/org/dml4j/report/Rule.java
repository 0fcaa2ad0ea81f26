package org.dml4j.report;

import java.util.Objects;

/**
 * A horizontal reference line across a chart, dashed and labelled: an accuracy target, a mean load.
 *
 * @param label what the line marks, shown at its right end and on hover
 * @param value its height on the value axis, finite
 */
public record Rule(String label, double value) {
    /** Validates the value. */
    public Rule {
        Objects.requireNonNull(label, "label");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("rule '" + label + "': value must be finite, got " + value);
        }
    }
}
