package org.dml4j.core;

/**
 * Root of dml4j's unchecked runtime failures. Configuration errors are {@link IllegalArgumentException}s instead
 * (they name the field and the value); checked exceptions appear only at I/O boundaries.
 */
public class Dml4jException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the object concerned */
    public Dml4jException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public Dml4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
