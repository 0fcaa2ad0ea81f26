package org.dml4j.planner;

import java.util.Objects;
import org.dml4j.planner.cluster.ClusterSpec;
import org.dml4j.planner.cluster.SoftwareStack;
import org.dml4j.planner.model.ModelSpec;

/**
 * What to plan: a model, a cluster, the global batch (samples per iteration), the search space and the software
 * stack the plan runs on ({@link SoftwareStack#defaultStack()} unless given).
 *
 * <p>Immutable and thread-safe.
 *
 * @param model       the model
 * @param cluster     the cluster
 * @param globalBatch samples per iteration, at least 1
 * @param space       the search space
 * @param stack       the training software (its compute and ZeRO-3 factors)
 */
public record PlanRequest(ModelSpec model, ClusterSpec cluster, long globalBatch, SearchSpace space,
                          SoftwareStack stack) {
    /** Validates. */
    public PlanRequest {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(space, "space");
        if (globalBatch < 1) {
            throw new IllegalArgumentException("global-batch must be >= 1, got " + globalBatch);
        }
        if (globalBatch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("global-batch must be <= " + Integer.MAX_VALUE + ", got "
                    + globalBatch);
        }
    }

    /**
     * A request on the default stack.
     *
     * @param model       the model
     * @param cluster     the cluster
     * @param globalBatch samples per iteration
     * @param space       the search space
     */
    public PlanRequest(ModelSpec model, ClusterSpec cluster, long globalBatch, SearchSpace space) {
        this(model, cluster, globalBatch, space, SoftwareStack.defaultStack());
    }

    /**
     * @param model       the model
     * @param cluster     the cluster
     * @param globalBatch samples per iteration
     * @return a request over the default search space
     */
    public static PlanRequest of(ModelSpec model, ClusterSpec cluster, long globalBatch) {
        return new PlanRequest(model, cluster, globalBatch, SearchSpace.defaults());
    }

    /**
     * @param s a search space
     * @return a copy with it
     */
    public PlanRequest withSpace(SearchSpace s) {
        return new PlanRequest(model, cluster, globalBatch, s, stack);
    }

    /**
     * @param c a cluster
     * @return a copy with it
     */
    public PlanRequest withCluster(ClusterSpec c) {
        return new PlanRequest(model, c, globalBatch, space, stack);
    }

    /**
     * @param s a software stack
     * @return a copy with it
     */
    public PlanRequest withStack(SoftwareStack s) {
        return new PlanRequest(model, cluster, globalBatch, space, s);
    }
}
