package org.dml4j.fl;

import org.dml4j.core.Dml4jException;

/**
 * The run cannot go on: no event can arrive any more and the strategy has not finished. Names the time and who
 * was being waited on, so a run never hangs.
 */
public final class StallException extends Dml4jException {
    private static final long serialVersionUID = 1L;

    /** @param message what stalled, when, and on whom */
    public StallException(String message) {
        super(message);
    }
}
