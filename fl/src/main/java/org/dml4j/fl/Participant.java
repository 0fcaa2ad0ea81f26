package org.dml4j.fl;

import org.dml4j.model.Model;

/**
 * Whatever stands where a client stands: a client that trains and compresses ({@link FlClient}), an edge
 * aggregator (a coordinator of its own clients, {@link org.dml4j.fl.hier.EdgeAggregator}) or a gossip peer. A transport delivers each {@link Task} to its
 * participant and carries the {@link Reply} back.
 *
 * <p>A participant runs one task at a time; its transport never calls it concurrently.
 */
public interface Participant {
    /** @return its id, {@code 0..n-1} */
    int id();

    /** @return its local data size (the weight of its updates) */
    int numSamples();

    /**
     * Runs a task. Failures are returned as {@link Reply.Failed}, not thrown.
     *
     * @param task   the task; its model is read only
     * @param worker a model borrowed from the executing worker, used exclusively by this call
     * @return the reply, with zero compute and transfer times (the transport measures them)
     */
    Reply run(Task task, Model worker);

    /**
     * Runs a task that was dispatched at {@code dispatchSeconds} on the transport's clock. A participant that
     * {@linkplain #timesItself() times itself} may read its links as they are then (an edge aggregator regrouping its
     * clients); the default ignores the time.
     *
     * @param task            the task; its model is read only
     * @param worker          a model borrowed from the executing worker, used exclusively by this call
     * @param dispatchSeconds the transport's time when the task was dispatched
     * @return the reply, as {@link #run(Task, Model)}
     */
    default Reply run(Task task, Model worker, double dispatchSeconds) {
        return run(task, worker);
    }

    /**
     * Runs a task up to its first round exchange ({@link org.dml4j.compress.RoundExchange}): a transport that makes
     * exchanges calls this instead of {@link #run}, carries a returned {@link Statistic} to the coordinator and the
     * coordinator's {@link Statistic.Shared} back to {@link #resume}, until a {@link Reply} comes. The default is
     * {@link #run}.
     *
     * @param task            the task; its model is read only
     * @param worker          a model borrowed from the executing worker, used exclusively by this call
     * @param dispatchSeconds the transport's time when the task was dispatched
     * @return the reply, or the statistic of the first phase
     */
    default Progress begin(Task task, Model worker, double dispatchSeconds) {
        return run(task, worker, dispatchSeconds);
    }

    /**
     * Continues the task that waits for {@code shared}: the next phase's statistic, or the reply.
     *
     * @param shared the combination of the phase's reports
     * @return the next statistic, or the reply
     * @throws IllegalStateException when no task of this participant waits for that phase
     */
    default Progress resume(Statistic.Shared shared) {
        throw new IllegalStateException("participant " + id() + " has no task waiting for a shared statistic (task "
                + shared.taskId() + ", phase " + shared.phase() + ")");
    }

    /**
     * @return whether the reply's {@link Reply.Ok#computeSeconds()} is this participant's own virtual time (an edge
     *     aggregator reports the time of its inner rounds), which a simulated transport then uses instead of its
     *     device model; false for a client
     */
    default boolean timesItself() {
        return false;
    }
}
