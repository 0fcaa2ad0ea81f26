package org.dml4j.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;
import org.dml4j.data.Dataset;

/**
 * One client's local data (or one test slice) as it travels to an executor once and stays there in a cached
 * partition. A plain serializable value; {@link #dataset()} rebuilds the {@link Dataset} on the executor, once per
 * cached copy.
 *
 * <p>Immutable once built; the arrays are never modified.
 */
final class Shard implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private final int id;
    private final String name;
    private final float[] features;
    private final int[] labels;
    private final int[] sampleShape;
    private final int numClasses;
    private transient volatile Dataset dataset;

    /**
     * @param id   the client id (or slice index)
     * @param data its data
     */
    Shard(int id, Dataset data) {
        this.id = id;
        this.name = data.name();
        this.labels = data.labels();
        this.sampleShape = data.sampleShape();
        this.numClasses = data.numClasses();
        int fs = data.featureSize();
        this.features = new float[labels.length * fs];
        for (int i = 0; i < labels.length; i++) {
            data.copyFeatures(i, features, i * fs);
        }
        this.dataset = data;
    }

    /** @return the client id (or slice index) */
    int id() {
        return id;
    }

    /** @return the data, rebuilt once on the executor */
    Dataset dataset() {
        Dataset d = dataset;
        if (d == null) {
            synchronized (this) {
                d = dataset;
                if (d == null) {
                    d = new Dataset(name, features, labels, sampleShape, numClasses);
                    dataset = d;
                }
            }
        }
        return d;
    }

    @Override
    public String toString() {
        return "shard " + id + " (" + labels.length + " samples of " + Objects.toString(name) + ")";
    }
}
