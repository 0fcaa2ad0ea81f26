package org.dml4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory labelled data set: {@code size()} samples, each a dense {@code float[]} of {@link #featureSize()}
 * values laid out row-major in one array, with an integer class label in {@code [0, numClasses)}.
 *
 * <p>Immutable and thread-safe: the arrays are copied in and never handed out; read them through
 * {@link #copyFeatures} and {@link #label}.
 */
public final class Dataset {
    private final String name;
    private final float[] features;
    private final int[] labels;
    private final int[] sampleShape;
    private final int featureSize;
    private final int numClasses;

    /**
     * @param name        name shown in messages and reports ("fashion-mnist/train")
     * @param features    {@code labels.length * prod(sampleShape)} values, row-major
     * @param labels      class labels in {@code [0, numClasses)}
     * @param sampleShape shape of one sample, e.g. {@code {1, 28, 28}} (channels, height, width) or {@code {64}}
     * @param numClasses  number of classes
     * @throws IllegalArgumentException when sizes disagree or a label is out of range
     */
    public Dataset(String name, float[] features, int[] labels, int[] sampleShape, int numClasses) {
        this(name, features.clone(), labels.clone(), sampleShape.clone(), numClasses, true);
    }

    /**
     * Wraps arrays that the caller gives up (readers that have just filled them), without copying; labels are checked.
     */
    static Dataset adopt(String name, float[] features, int[] labels, int[] sampleShape, int numClasses) {
        return new Dataset(name, features, labels, sampleShape.clone(), numClasses, true);
    }

    private Dataset(String name, float[] features, int[] labels, int[] sampleShape, int numClasses, boolean check) {
        this.name = Objects.requireNonNull(name, "name");
        this.features = Objects.requireNonNull(features, "features");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.sampleShape = Objects.requireNonNull(sampleShape, "sampleShape");
        if (sampleShape.length == 0) {
            throw new IllegalArgumentException("sampleShape must have at least one dimension");
        }
        long fs = 1;
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("sampleShape must be positive, got " + Arrays.toString(sampleShape));
            }
            fs *= d;
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        if ((long) labels.length * fs != features.length) {
            throw new IllegalArgumentException("features.length must be labels.length * " + fs + " = "
                    + (long) labels.length * fs + ", got " + features.length);
        }
        if (check) {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= numClasses) {
                    throw new IllegalArgumentException("label of sample " + i + " must be in [0, " + numClasses
                            + "), got " + labels[i]);
                }
            }
        }
        this.featureSize = (int) fs;
        this.numClasses = numClasses;
    }

    /** @return the data set's name */
    public String name() {
        return name;
    }

    /** @return number of samples */
    public int size() {
        return labels.length;
    }

    /** @return values per sample, the product of {@link #sampleShape()} */
    public int featureSize() {
        return featureSize;
    }

    /** @return a copy of the shape of one sample */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** @return number of classes */
    public int numClasses() {
        return numClasses;
    }

    /**
     * @param i sample index
     * @return its label
     */
    public int label(int i) {
        return labels[i];
    }

    /** @return a copy of all labels */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * Copies the features of sample {@code i} into {@code out} at {@code off}.
     *
     * @param i   sample index
     * @param out destination
     * @param off offset in {@code out}
     */
    public void copyFeatures(int i, float[] out, int off) {
        Objects.checkIndex(i, labels.length);
        System.arraycopy(features, i * featureSize, out, off, featureSize);
    }

    /** @return per-class sample counts, length {@link #numClasses()} */
    public int[] labelHistogram() {
        int[] h = new int[numClasses];
        for (int l : labels) {
            h[l]++;
        }
        return h;
    }

    /**
     * @param indices sample indices, in the order the subset keeps them
     * @param newName the subset's name
     * @return a new data set holding copies of those samples
     */
    public Dataset subset(int[] indices, String newName) {
        float[] f = new float[indices.length * featureSize];
        int[] l = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = Objects.checkIndex(indices[j], labels.length);
            System.arraycopy(features, i * featureSize, f, j * featureSize, featureSize);
            l[j] = labels[i];
        }
        return new Dataset(newName, f, l, sampleShape, numClasses, false);
    }

    /**
     * @param n how many leading samples to keep
     * @return the first {@code n} samples (all of them when {@code n >= size()})
     */
    public Dataset head(int n) {
        int k = Math.min(n, size());
        int[] idx = new int[k];
        Arrays.setAll(idx, i -> i);
        return subset(idx, name);
    }

    @Override
    public String toString() {
        return name + "[" + size() + " x " + Arrays.toString(sampleShape) + ", " + numClasses + " classes]";
    }
}
