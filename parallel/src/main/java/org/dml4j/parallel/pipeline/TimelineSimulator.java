package org.dml4j.parallel.pipeline;

import java.util.Objects;

/**
 * Discrete-event simulation of one pipeline iteration: each device runs its operation list in order; an operation
 * starts when its device is free and its inputs have arrived (a forward's input from the previous virtual stage,
 * a backward's gradient from the next, plus the point-to-point time when the two stages sit on different devices).
 * Transfers overlap with compute and do not contend for links. Runs in time linear in the number of operations.
 *
 * <p>With equal stage times and no communication the simulated iteration times equal the closed forms of
 * {@link ClosedForms} (tested for a grid of p, m and v).
 *
 * <pre>
 * Huang et al., "GPipe", NeurIPS 2019; Narayanan et al., "Efficient Large-Scale Language Model Training on GPU
 * Clusters Using Megatron-LM", SC 2021; Qi et al., "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024.
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TimelineSimulator {
    private TimelineSimulator() {
    }

    /**
     * Validates, then simulates.
     *
     * @param schedule the schedule
     * @param costs    the stage costs
     * @return the timeline
     * @throws InvalidScheduleException                  when the schedule breaks a dependency rule
     * @throws org.dml4j.core.PlanInfeasibleException when a device exceeds its memory limit
     */
    public static Timeline simulate(Schedule schedule, StageCosts costs) {
        ScheduleValidator.validate(schedule, costs);
        return simulateUnchecked(schedule, costs);
    }

    /**
     * Simulates a schedule whose dependencies are already known to be valid, ignoring memory limits (peak memory is
     * still reported). Useful to look at a schedule that breaks a memory limit.
     *
     * @param schedule the schedule
     * @param costs    the stage costs
     * @return the timeline
     * @throws InvalidScheduleException when the schedule breaks a dependency rule
     */
    public static Timeline simulateIgnoringMemory(Schedule schedule, StageCosts costs) {
        ScheduleValidator.validateDependencies(schedule);
        return simulateUnchecked(schedule, costs);
    }

    static Timeline simulateUnchecked(Schedule schedule, StageCosts costs) {
        Objects.requireNonNull(schedule, "schedule");
        ScheduleValidator.checkCosts(schedule, costs);
        Engine e = new Engine(schedule.devices(), schedule.chunks(), schedule.microbatches(), schedule.layout(),
                costs);
        if (!e.run(schedule, true)) {
            throw new InvalidScheduleException("schedule " + schedule.name() + " deadlocks");
        }
        return Timeline.from(schedule, costs, e);
    }
}
