package org.dml4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where each named parameter tensor lives inside a model's flat parameter vector. Layer-wise compressors (PowerSGD,
 * per-layer Top-k) and segmented gossip use it to cut the vector into tensors.
 *
 * @param entries the tensors in order; offsets are contiguous from 0
 */
public record ParameterLayout(List<Entry> entries) {
    /**
     * One named tensor.
     *
     * @param name   e.g. {@code "fc1.weight"}
     * @param shape  its shape
     * @param offset index of its first value in the flat vector
     */
    public record Entry(String name, int[] shape, int offset) {
        /** Validates the entry and copies the shape. */
        public Entry {
            Objects.requireNonNull(name, "name");
            shape = shape.clone();
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0, got " + offset);
            }
        }

        /** @return number of values, the product of the shape */
        public int size() {
            int s = 1;
            for (int d : shape) {
                s *= d;
            }
            return s;
        }

        /** @return a copy of the shape */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.name.equals(name) && Arrays.equals(e.shape, shape) && e.offset == offset;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, Arrays.hashCode(shape), offset);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + "@" + offset;
        }
    }

    /** Validates contiguity and copies the list. */
    public ParameterLayout {
        entries = List.copyOf(entries);
        int expect = 0;
        for (Entry e : entries) {
            if (e.offset() != expect) {
                throw new IllegalArgumentException("entry " + e.name() + " must start at offset " + expect
                        + ", got " + e.offset());
            }
            expect += e.size();
        }
    }

    /** @return total number of values */
    public int size() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).offset() + entries.get(entries.size() - 1).size();
    }

    /** Builds a layout by appending named tensors. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private int next;

        /** Starts an empty layout. */
        public Builder() {
        }

        /**
         * @param name  tensor name
         * @param shape tensor shape
         * @return this builder
         */
        public Builder add(String name, int... shape) {
            Entry e = new Entry(name, shape, next);
            entries.add(e);
            next += e.size();
            return this;
        }

        /** @return the layout */
        public ParameterLayout build() {
            return new ParameterLayout(entries);
        }
    }
}
