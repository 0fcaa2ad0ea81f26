package org.dml4j.planner;

import java.util.Objects;

/**
 * The outcome of evaluating one configuration: a {@link Feasible} plan, or an {@link Infeasible} one with its
 * memory shortfall. Infeasibility is data, not an exception, because searches meet it constantly.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Evaluation permits Evaluation.Feasible, Evaluation.Infeasible {
    /**
     * @return the configuration evaluated
     */
    ParallelConfig config();

    /**
     * A plan that fits.
     *
     * @param plan the plan with its predictions
     */
    record Feasible(Plan plan) implements Evaluation {
        /** Validates. */
        public Feasible {
            Objects.requireNonNull(plan, "plan");
        }

        @Override
        public ParallelConfig config() {
            return plan.config();
        }
    }

    /**
     * A configuration that does not fit in memory.
     *
     * @param config         the configuration
     * @param shortfallBytes how many bytes the worst GPU lacks, {@code > 0}
     * @param needBytes      what that GPU needs
     * @param limitBytes     its memory
     * @param stage          its pipeline stage
     * @param gpuType        its GPU type
     * @param reason         a readable explanation naming the stage and the largest memory consumers
     */
    record Infeasible(ParallelConfig config, double shortfallBytes, double needBytes, double limitBytes, int stage,
                      String gpuType, String reason) implements Evaluation {
        /** Validates. */
        public Infeasible {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(gpuType, "gpuType");
        }
    }
}
