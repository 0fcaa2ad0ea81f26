package org.dml4j.data;

import java.util.Arrays;

/**
 * How {@link LeafJsonReader} shapes the samples of a LEAF data set.
 *
 * <p>Immutable and thread-safe (the shape array is copied in and out).
 *
 * @param sampleShape shape of one sample, or {@code null} for {@code {length of an x row}}
 * @param numClasses  number of classes, or 0 to use the largest label plus one
 */
public record LeafFormat(int[] sampleShape, int numClasses) {
    /** FEMNIST: 28×28 grey images as 784 floats in {@code [0, 1]}, 62 classes (10 digits, 26 + 26 letters). */
    public static final LeafFormat FEMNIST = new LeafFormat(new int[] {1, 28, 28}, 62);

    /** Any numeric LEAF data set: flat samples, classes inferred from the labels. */
    public static final LeafFormat FLAT = new LeafFormat(null, 0);

    /** Validates the fields and copies the shape. */
    public LeafFormat {
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0 (0 = infer), got " + numClasses);
        }
        if (sampleShape != null) {
            sampleShape = sampleShape.clone();
            if (sampleShape.length == 0) {
                throw new IllegalArgumentException("sampleShape must have at least one dimension");
            }
            for (int d : sampleShape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("sampleShape must be positive, got "
                            + Arrays.toString(sampleShape));
                }
            }
        }
    }

    /** @return a copy of the sample shape, or {@code null} when it is the row length */
    @Override
    public int[] sampleShape() {
        return sampleShape == null ? null : sampleShape.clone();
    }

    /** @return the number of values per sample, or -1 when taken from the data */
    int featureSize() {
        if (sampleShape == null) {
            return -1;
        }
        int fs = 1;
        for (int d : sampleShape) {
            fs *= d;
        }
        return fs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeafFormat f && Arrays.equals(f.sampleShape, sampleShape) && f.numClasses == numClasses;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sampleShape) * 31 + numClasses;
    }

    @Override
    public String toString() {
        return "LeafFormat[sampleShape=" + Arrays.toString(sampleShape) + ", numClasses=" + numClasses + "]";
    }
}
