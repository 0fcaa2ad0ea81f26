package org.dml4j.data;

import org.dml4j.core.Dml4jException;

/**
 * A named data set is neither on this machine nor downloadable (offline, no known checksum, or the download failed).
 * The message lists where {@link DatasetStore} looked and says exactly how to install the data.
 *
 * <p>Immutable and thread-safe.
 */
public class DatasetUnavailableException extends Dml4jException {
    private static final long serialVersionUID = 1L;

    /** @param message where the store looked, why it gave up and how to install the data */
    public DatasetUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message where the store looked, why it gave up and how to install the data
     * @param cause   the last download failure
     */
    public DatasetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
