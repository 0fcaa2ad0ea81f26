package org.dml4j.sim;

import org.dml4j.fl.ClientPool;
import org.dml4j.model.ParameterLayout;

/** A simulated run: federated ({@link FederatedSimulation}, flat or hierarchical) or decentralized ({@link
 * GossipSimulation}). Not thread-safe; call {@link #run} once, then {@link #close}. */
public interface Simulation extends AutoCloseable {
    /**
     * @param listener receives each version's (iteration's) metrics, log lines and the event log
     * @return all metrics, the final parameters and the run's counts (null when the run has no coordinator)
     */
    SimulationResult run(RoundListener listener);

    /** @return the participants' data sizes */
    ClientPool pool();

    /** @return the model's tensors (names and shapes) over the flat parameter vector */
    ParameterLayout parameterLayout();

    /** @return per-client compression levels of a data-aware assignment, or null */
    double[] uplinkLevels();

    /**
     * @return null when runs of this simulation can be checkpointed and resumed ({@link RoundListener#checkpointDue}),
     *     else why not, in a sentence for the user
     */
    default String checkpointUnsupported() {
        return "this kind of simulation (" + getClass().getSimpleName() + ") cannot be checkpointed";
    }

    /**
     * Makes the next {@link #run} continue the checkpointed run instead of starting one: call once, before it. The
     * listener then receives only what comes after the checkpoint.
     *
     * @param checkpoint what {@link RoundListener#onCheckpoint} received (read back from its file)
     * @throws UnsupportedOperationException when {@link #checkpointUnsupported()} is not null
     */
    default void resumeFrom(org.dml4j.core.Snapshot checkpoint) {
        throw new UnsupportedOperationException(checkpointUnsupported());
    }

    @Override
    void close();
}
