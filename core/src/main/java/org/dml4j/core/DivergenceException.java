package org.dml4j.core;

/** Training produced a non-finite loss or parameter (NaN or infinity). */
public class DivergenceException extends Dml4jException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the object concerned */
    public DivergenceException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public DivergenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
