package org.dml4j.core;

/** A message could not be delivered between coordinator and participants. */
public class TransportException extends Dml4jException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the object concerned */
    public TransportException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
