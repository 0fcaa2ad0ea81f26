package org.dml4j.core;

/** No schedule or parallel plan satisfies the constraints (for example a memory limit). */
public class PlanInfeasibleException extends Dml4jException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the object concerned */
    public PlanInfeasibleException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public PlanInfeasibleException(String message, Throwable cause) {
        super(message, cause);
    }
}
