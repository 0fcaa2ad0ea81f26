package org.dml4j.planner;

import java.util.List;
import java.util.Objects;
import org.dml4j.core.PlanInfeasibleException;

/**
 * No configuration of the search space fits in the GPUs' memory. Carries the configuration that came closest, its
 * memory shortfall per GPU, and concrete fixes (GPUs with more memory, more GPUs, search options to enable).
 *
 * <p>Immutable after construction.
 */
public class NoFeasiblePlanException extends PlanInfeasibleException {
    private static final long serialVersionUID = 1L;

    /** The closest configuration's evaluation. */
    private final transient Evaluation.Infeasible closest;
    /** What would make the model fit. */
    private final List<String> fixes;

    /**
     * @param message the full message
     * @param closest the evaluation with the smallest shortfall
     * @param fixes   suggested fixes, most direct first
     */
    public NoFeasiblePlanException(String message, Evaluation.Infeasible closest, List<String> fixes) {
        super(message);
        this.closest = Objects.requireNonNull(closest, "closest");
        this.fixes = List.copyOf(fixes);
    }

    /**
     * @return the evaluation with the smallest memory shortfall
     */
    public Evaluation.Infeasible closest() {
        return closest;
    }

    /**
     * @return the smallest per-GPU memory shortfall in bytes
     */
    public double shortfallBytes() {
        return closest.shortfallBytes();
    }

    /**
     * @return suggested fixes
     */
    public List<String> fixes() {
        return fixes;
    }
}
