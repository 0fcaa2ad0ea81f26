package org.dml4j.planner;

import java.util.Objects;
import org.dml4j.planner.cluster.ClusterSpec;
import org.dml4j.planner.model.ModelSpec;

/**
 * What to plan: a model, a cluster, the global batch (samples per iteration) and the search space.
 *
 * <p>Immutable and thread-safe.
 *
 * @param model       the model
 * @param cluster     the cluster
 * @param globalBatch samples per iteration, at least 1
 * @param space       the search space
 */
public record PlanRequest(ModelSpec model, ClusterSpec cluster, long globalBatch, SearchSpace space) {
    /** Validates. */
    public PlanRequest {
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
        return new PlanRequest(model, cluster, globalBatch, s);
    }

    /**
     * @param c a cluster
     * @return a copy with it
     */
    public PlanRequest withCluster(ClusterSpec c) {
        return new PlanRequest(model, c, globalBatch, space);
    }
}
