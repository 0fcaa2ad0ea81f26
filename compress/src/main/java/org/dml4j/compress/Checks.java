package org.dml4j.compress;

import java.util.Arrays;

/** Validation helpers for config records and states; every message names the field and the value. */
final class Checks {
    private Checks() {
    }

    static double ratio(String field, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(field + " must be in (0, 1], got " + v);
        }
        return v;
    }

    static double positive(String field, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + " must be finite and > 0, got " + v);
        }
        return v;
    }

    static double nonNegative(String field, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + " must be finite and >= 0, got " + v);
        }
        return v;
    }

    static int atLeast(String field, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    static int[] segments(String field, int[] segments) {
        if (segments == null) {
            return null;
        }
        if (segments.length == 0) {
            throw new IllegalArgumentException(field + " must list at least one layer size");
        }
        long total = 0;
        for (int i = 0; i < segments.length; i++) {
            if (segments[i] < 1) {
                throw new IllegalArgumentException(field + "[" + i + "] must be >= 1, got " + segments[i]);
            }
            total += segments[i];
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + " sum to " + total + ", more than an int dimension");
        }
        return segments.clone();
    }

    static int dim(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        return dim;
    }

    static void length(float[] update, int dim) {
        if (update.length != dim) {
            throw new IllegalArgumentException("update length must be " + dim + ", got " + update.length);
        }
    }

    /**
     * Resolves the segments a state applies itself to: the configured ones (which must sum to {@code dim}), else the
     * layout's layers when {@code perLayer}, else the whole vector.
     */
    static int[] resolveSegments(String name, int dim, int[] configured, boolean perLayer, UpdateLayout layout) {
        dim(dim);
        if (configured != null) {
            long total = Arrays.stream(configured).asLongStream().sum();
            if (total != dim) {
                throw new IllegalArgumentException(name + ": segments " + Arrays.toString(configured) + " sum to "
                        + total + " but dim is " + dim);
            }
            return configured.clone();
        }
        if (perLayer && layout != null) {
            if (layout.dim() != dim) {
                throw new IllegalArgumentException(name + ": layout holds " + layout.dim() + " elements but dim is "
                        + dim);
            }
            return layout.segmentSizes();
        }
        return new int[] {dim};
    }

    /** @return {@code ceil(ratio * n)} guarded against rounding just above an integer, clamped to {@code [1, n]} */
    static int kOf(double ratio, int n) {
        double r = ratio * n;
        long k = (long) Math.ceil(r - Math.ulp(r) * 4);
        return (int) Math.max(1, Math.min(n, k));
    }
}
