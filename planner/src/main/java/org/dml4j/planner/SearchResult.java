package org.dml4j.planner;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a search: the best plans, fastest first, and how much work it took.
 *
 * <p>Immutable and thread-safe.
 *
 * @param plans          the best plans, fastest first (ties keep enumeration order)
 * @param candidates     configurations enumerated
 * @param memoryPruned   configurations discarded because a memory lower bound already exceeded a GPU's memory
 * @param evaluated      configurations evaluated in full by the cost model
 * @param boundSkipped   configurations never evaluated because their time lower bound could not beat the top plans
 * @param simulations    pipeline timelines simulated
 */
public record SearchResult(List<Plan> plans, long candidates, long memoryPruned, long evaluated, long boundSkipped,
                           long simulations) {
    /** Copies. */
    public SearchResult {
        plans = List.copyOf(Objects.requireNonNull(plans, "plans"));
    }

    /**
     * @return the fastest plan
     */
    public Plan best() {
        return plans.get(0);
    }
}
