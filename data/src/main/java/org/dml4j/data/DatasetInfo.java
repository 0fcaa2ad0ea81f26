package org.dml4j.data;

import java.util.List;
import java.util.Objects;

/**
 * What {@link DatasetStore} knows about a named data set before loading it: the facts a {@code datasets list} or
 * {@code datasets info} command prints.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name          the name to load it by ({@code "fashion-mnist"})
 * @param description   one line about the content
 * @param trainSize     samples in the training split, or -1 when it depends on preprocessing (FEMNIST)
 * @param testSize      samples in the test split, or -1 when it depends on preprocessing
 * @param sampleShape   shape of one sample, e.g. {@code [1, 28, 28]}
 * @param numClasses    number of classes
 * @param licence       the licence of the data (and of its packaging, where it differs)
 * @param homepage      where the data set is described
 * @param citation      the reference to cite
 * @param downloadable  whether {@link DatasetStore#fetch} can download it (from a canonical source, checked against
 *                      a known SHA-256)
 * @param downloadBytes bytes a download transfers, 0 when not downloadable
 * @param installHint   how to install it by hand, as shell commands or steps
 */
public record DatasetInfo(String name, String description, int trainSize, int testSize, List<Integer> sampleShape,
                          int numClasses, String licence, String homepage, String citation, boolean downloadable,
                          long downloadBytes, String installHint) {
    /** Checks that no field is missing and copies the shape. */
    public DatasetInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        sampleShape = List.copyOf(sampleShape);
        Objects.requireNonNull(licence, "licence");
        Objects.requireNonNull(homepage, "homepage");
        Objects.requireNonNull(citation, "citation");
        Objects.requireNonNull(installHint, "installHint");
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
    }
}
