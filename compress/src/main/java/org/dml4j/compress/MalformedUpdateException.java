package org.dml4j.compress;

import org.dml4j.core.Dml4jException;

/** Bytes that are not a valid {@link UpdateCodec} encoding; the message names the offset where reading failed. */
public class MalformedUpdateException extends Dml4jException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where */
    public MalformedUpdateException(String message) {
        super(message);
    }
}
