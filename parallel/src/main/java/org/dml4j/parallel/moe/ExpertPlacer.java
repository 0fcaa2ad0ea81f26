package org.dml4j.parallel.moe;

/**
 * Places MoE experts (and replicas of hot experts) on expert-parallel GPUs: a pure function from a
 * {@link PlacementProblem} to an {@link ExpertPlacement}. Implementations are registered in
 * {@code META-INF/services/org.dml4j.parallel.moe.ExpertPlacer} and found by name through {@link ExpertPlacers}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface ExpertPlacer {
    /** @return the name used on the command line ("round-robin", "greedy", "balanced") */
    String name();

    /**
     * @param problem experts, loads, GPUs and slots
     * @return a placement that respects the slots and hosts every expert at least once
     */
    ExpertPlacement place(PlacementProblem problem);
}
