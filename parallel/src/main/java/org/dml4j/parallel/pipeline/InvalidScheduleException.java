package org.dml4j.parallel.pipeline;

/**
 * A schedule breaks the rules every pipeline schedule must keep: each micro-batch runs exactly one forward and one
 * backward (fused, or split into B and W) on every virtual stage, a stage's backward follows its forward, W follows
 * B, and the devices' orders together admit no dependency cycle. The message names the device, the operation and
 * what it conflicts with. (Memory-limit violations are {@link org.dml4j.core.PlanInfeasibleException}s instead.)
 */
public class InvalidScheduleException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the device and operation
     */
    public InvalidScheduleException(String message) {
        super(message);
    }
}
