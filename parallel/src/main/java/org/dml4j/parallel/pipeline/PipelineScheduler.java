package org.dml4j.parallel.pipeline;

/**
 * Builds a pipeline {@link Schedule} for given stage costs: a pure function of its arguments (the same costs,
 * {@code m} and {@code v} give the same schedule). Implementations are registered in
 * {@code META-INF/services/org.dml4j.parallel.pipeline.PipelineScheduler} and selected by {@link #name()} through
 * {@link PipelineSchedulers}.
 *
 * <p>Call order: {@link #supportsChunks(int)} to ask whether a {@code v} is usable, then
 * {@link #schedule(StageCosts, int, int)}, then {@link TimelineSimulator#simulate(Schedule, StageCosts)}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface PipelineScheduler {
    /** @return the name used on the command line and in config files ("gpipe", "1f1b", "zb-h1", ...) */
    String name();

    /** @return a one-line human description citing the source */
    String description();

    /**
     * @param chunks model chunks per device {@code v}
     * @return whether this scheduler can use that {@code v}
     */
    boolean supportsChunks(int chunks);

    /** @return the {@code v} used by {@link #schedule(StageCosts, int)} */
    int defaultChunks();

    /**
     * Builds the schedule.
     *
     * @param costs        stage costs; {@code costs.stages()} is the number of devices {@code p}
     * @param microbatches micro-batches per iteration {@code m >= 1}
     * @param chunks       model chunks per device {@code v}
     * @return a schedule whose operations respect the dependencies and every device's memory limit
     * @throws IllegalArgumentException                 when {@code m} or {@code v} cannot be used (naming the value)
     * @throws org.dml4j.core.PlanInfeasibleException when the schedule exceeds a memory limit (naming the stage
     *                                                  and by how much)
     */
    Schedule schedule(StageCosts costs, int microbatches, int chunks);

    /**
     * Builds the schedule with {@link #defaultChunks()}.
     *
     * @param costs        stage costs
     * @param microbatches micro-batches per iteration
     * @return the schedule
     */
    default Schedule schedule(StageCosts costs, int microbatches) {
        return schedule(costs, microbatches, defaultChunks());
    }
}
