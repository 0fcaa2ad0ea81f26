package org.dml4j.planner.export;

import org.dml4j.planner.LaunchTarget;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;

/**
 * Turns a plan into something a training framework launches. Implementations are registered in
 * {@code META-INF/services/org.dml4j.planner.export.PlanExporter} and chosen by {@link #name()} through
 * {@link PlanExporters} ("megatron", "deepspeed").
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface PlanExporter {
    /**
     * @return the name used on the command line ({@code --export megatron})
     */
    String name();

    /**
     * @return the file name the command line writes the export to
     */
    String fileName();

    /**
     * @return the stack the export launches on; {@link #export} accepts only plans it {@link LaunchTarget#runs}
     */
    LaunchTarget target();

    /**
     * @param request the request the plan answers (model shape, cluster, batch)
     * @param plan    the plan
     * @return the file content; choices the framework cannot express are stated in comments or notes, never dropped
     *         silently
     * @throws IllegalArgumentException when the target cannot run the plan as predicted (e.g. a generic layer list
     *                                  for Megatron-LM's GPT script, or a schedule it lacks), naming why
     */
    String export(PlanRequest request, Plan plan);
}
