package org.dml4j.parallel.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dml4j.core.PlanInfeasibleException;
import org.dml4j.core.Registry;

/**
 * Looks up {@link PipelineScheduler}s by name and holds the argument checks they share.
 *
 * <p>Thread-safe; providers load lazily on first use.
 */
public final class PipelineSchedulers {
    private static final Registry<PipelineScheduler> REGISTRY =
            new Registry<>("pipeline scheduler", PipelineScheduler.class, PipelineScheduler::name);

    private PipelineSchedulers() {
    }

    /**
     * @param name a scheduler name ("gpipe", "1f1b", "interleaved", "zb-h1", "zb-h2", "zb-v", "adaptive")
     * @return the scheduler
     * @throws IllegalArgumentException listing the known names when {@code name} is unknown
     */
    public static PipelineScheduler get(String name) {
        return REGISTRY.get(name);
    }

    /** @return the known scheduler names, sorted */
    public static List<String> names() {
        return REGISTRY.names();
    }

    /** @return every scheduler by name */
    public static Map<String, PipelineScheduler> all() {
        return REGISTRY.all();
    }

    /**
     * Builds and simulates in one call.
     *
     * @param name         scheduler name
     * @param costs        stage costs
     * @param microbatches {@code m}
     * @param chunks       {@code v}
     * @return the timeline
     */
    public static Timeline simulate(String name, StageCosts costs, int microbatches, int chunks) {
        return TimelineSimulator.simulate(get(name).schedule(costs, microbatches, chunks), costs);
    }

    /**
     * How many micro-batches' activations each stage holds at its peak under a schedule with equal stages (a full
     * stage's activation for one micro-batch counts 1; with {@code v} chunks each chunk counts {@code 1/v}): the
     * schedule's memory pattern, e.g. {@code p - s} for 1F1B and {@code m} for GPipe. Use it as
     * {@link org.dml4j.parallel.partition.DeviceSpecs}' in-flight counts when partitioning layers for a schedule.
     *
     * @param name         scheduler name
     * @param stages       {@code p}
     * @param microbatches {@code m}
     * @param chunks       {@code v}
     * @return per stage, the peak number of micro-batches of activations
     */
    public static double[] peakInFlight(String name, int stages, int microbatches, int chunks) {
        StageCosts uniform = StageCosts.builder(stages).forward(1).backward(1).weight(1).activationMemory(1).build();
        MemoryProfile mem = MemoryProfile.of(get(name).schedule(uniform, microbatches, chunks), uniform);
        double[] a = new double[stages];
        for (int s = 0; s < stages; s++) {
            a[s] = mem.peakInFlight(s);
        }
        return a;
    }

    /**
     * The checks every scheduler makes before building: {@code m >= 1}, a usable {@code v}, and that each device can
     * hold at least one micro-batch's chunk activations (no schedule can do with less).
     *
     * @param s            the scheduler
     * @param costs        stage costs
     * @param microbatches {@code m}
     * @param chunks       {@code v}
     * @throws IllegalArgumentException naming the bad value
     * @throws PlanInfeasibleException  naming the stage that cannot hold one micro-batch and by how much
     */
    public static void checkArguments(PipelineScheduler s, StageCosts costs, int microbatches, int chunks) {
        Objects.requireNonNull(costs, "costs");
        if (microbatches < 1) {
            throw new IllegalArgumentException("microbatches (m) must be >= 1, got " + microbatches);
        }
        if (microbatches > Op.MAX_MICROBATCH + 1) {
            throw new IllegalArgumentException("microbatches (m) must be <= " + (Op.MAX_MICROBATCH + 1) + ", got "
                    + microbatches);
        }
        if (!s.supportsChunks(chunks)) {
            throw new IllegalArgumentException("v = " + chunks + " cannot be used by schedule " + s.name() + " ("
                    + s.description() + ")");
        }
        for (int d = 0; d < costs.stages(); d++) {
            double need = costs.staticMemory(d) + costs.activationMemory(d) / chunks;
            if (need > costs.memoryLimit(d)) {
                throw new PlanInfeasibleException("no schedule fits: stage " + d + " needs at least "
                        + ScheduleValidator.fmt(need) + " of memory (static " + ScheduleValidator.fmt(
                        costs.staticMemory(d)) + " + one micro-batch's activations "
                        + ScheduleValidator.fmt(costs.activationMemory(d) / chunks) + "), above its limit "
                        + ScheduleValidator.fmt(costs.memoryLimit(d)) + " by "
                        + ScheduleValidator.fmt(need - costs.memoryLimit(d)));
            }
        }
    }

    /**
     * Checks a built schedule against the memory limits.
     *
     * @param schedule the schedule
     * @param costs    its costs
     * @return the schedule
     * @throws PlanInfeasibleException naming the stage and the excess
     */
    static Schedule checkMemory(Schedule schedule, StageCosts costs) {
        MemoryProfile mem = MemoryProfile.of(schedule, costs);
        for (int d = 0; d < schedule.devices(); d++) {
            double limit = costs.memoryLimit(d);
            if (mem.peak(d) > limit * (1 + 1e-9)) {
                throw new PlanInfeasibleException("schedule " + schedule.name() + " does not fit: stage " + d
                        + " needs " + ScheduleValidator.fmt(mem.peak(d)) + " of memory (static "
                        + ScheduleValidator.fmt(costs.staticMemory(d)) + " + activations of up to "
                        + ScheduleValidator.fmt(mem.peakInFlight(d)) + " micro-batches), above its limit "
                        + ScheduleValidator.fmt(limit) + " by " + ScheduleValidator.fmt(mem.peak(d) - limit));
            }
        }
        return schedule;
    }
}
