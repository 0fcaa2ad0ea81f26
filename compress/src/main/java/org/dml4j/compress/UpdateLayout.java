package org.dml4j.compress;

import java.util.Arrays;
import java.util.Objects;

/**
 * The layer shapes of a flat parameter (or update) vector, in order: {@code {n}} for a vector layer, {@code {rows,
 * cols}} for a matrix, {@code {out, in, kh, kw}} for a convolution kernel (PowerSGD treats it as {@code out x
 * (in*kh*kw)}). Immutable: the shapes are copied in and out.
 *
 * @param shapes one shape per layer, each with at least one positive dimension
 */
public record UpdateLayout(int[][] shapes) {
    /** Validates and copies. */
    public UpdateLayout {
        Objects.requireNonNull(shapes, "shapes");
        if (shapes.length == 0) {
            throw new IllegalArgumentException("shapes must list at least one layer");
        }
        int[][] copy = new int[shapes.length][];
        long total = 0;
        for (int l = 0; l < shapes.length; l++) {
            int[] s = Objects.requireNonNull(shapes[l], "shapes[" + l + "]");
            if (s.length == 0) {
                throw new IllegalArgumentException("shapes[" + l + "] is empty");
            }
            long size = 1;
            for (int d : s) {
                if (d < 1) {
                    throw new IllegalArgumentException("shapes[" + l + "] = " + Arrays.toString(s)
                            + " has a dimension < 1");
                }
                size *= d;
                if (size > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("shapes[" + l + "] = " + Arrays.toString(s) + " is too large");
                }
            }
            total += size;
            copy[l] = s.clone();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("layers hold " + total + " elements, more than an int dimension");
        }
        shapes = copy;
    }

    /**
     * @param sizes element count of every layer (each treated as a vector)
     * @return the layout
     */
    public static UpdateLayout ofSizes(int... sizes) {
        Objects.requireNonNull(sizes, "sizes");
        int[][] s = new int[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            s[i] = new int[] {sizes[i]};
        }
        return new UpdateLayout(s);
    }

    /**
     * @param dim vector length
     * @return a single-layer layout
     */
    public static UpdateLayout whole(int dim) {
        return ofSizes(dim);
    }

    /** @return a copy of the shapes */
    @Override
    public int[][] shapes() {
        int[][] c = new int[shapes.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = shapes[i].clone();
        }
        return c;
    }

    /** @return number of layers */
    public int layers() {
        return shapes.length;
    }

    /**
     * @param layer layer number
     * @return number of elements of the layer
     */
    public int size(int layer) {
        int n = 1;
        for (int d : shapes[layer]) {
            n *= d;
        }
        return n;
    }

    /**
     * @param layer layer number
     * @return a copy of the layer's shape
     */
    public int[] shape(int layer) {
        return shapes[layer].clone();
    }

    /** @return the total number of elements */
    public int dim() {
        int total = 0;
        for (int l = 0; l < shapes.length; l++) {
            total += size(l);
        }
        return total;
    }

    /** @return the element count of every layer */
    public int[] segmentSizes() {
        int[] s = new int[shapes.length];
        for (int l = 0; l < s.length; l++) {
            s[l] = size(l);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpdateLayout u && Arrays.deepEquals(shapes, u.shapes);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(shapes);
    }

    @Override
    public String toString() {
        return "UpdateLayout" + Arrays.deepToString(shapes);
    }
}
