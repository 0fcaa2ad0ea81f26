package org.dml4j.sim;

import java.util.concurrent.CompletableFuture;
import org.dml4j.fl.Evaluator;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.model.ParameterLayout;

/**
 * Where a {@link FederatedSimulation} trains its participants and evaluates the global model, while its event engine,
 * virtual clock and coordinator stay on the calling thread: the in-process worker threads ({@code WorkerPool}, the
 * default) or a cluster engine (module {@code spark}). Whatever runs where, the results enter the coordinator in
 * (virtual time, sequence) order, so an implementation that computes the same replies gives the same numbers.
 *
 * <p>Call order: {@link #submit} for each dispatched task (from the simulation's thread), {@link #flush} when the
 * coordinator has handled an event (every task it dispatched then may start), {@link #evaluate} from the
 * simulation's thread, {@link #close} once at the end. The futures may complete on any thread.
 */
public interface Workers extends Evaluator, AutoCloseable {
    /**
     * Starts (or queues until {@link #flush}) a task once {@code after}, the participant's previous task, is done,
     * so that a participant never runs two tasks at once and its state changes in dispatch order.
     *
     * @param participant who runs it (its state, such as a client's compressor residual, is updated by the task)
     * @param task        the task
     * @param after       the participant's previous task, or null
     * @return its reply, once trained
     */
    CompletableFuture<Reply> submit(Participant participant, Task task, CompletableFuture<Reply> after);

    /**
     * The same, telling the participant the virtual time of the dispatch ({@link Participant#run(Task,
     * org.dml4j.model.Model, double)}: an edge aggregator reads its links and groups as they are then). The default
     * drops the time, for engines that run no participant that times itself (hierarchical runs stay in process).
     *
     * @param participant who runs it
     * @param task        the task
     * @param after       the participant's previous task, or null
     * @param dispatchSeconds the virtual time of the dispatch
     * @return its reply, once trained
     */
    default CompletableFuture<Reply> submit(Participant participant, Task task, CompletableFuture<Reply> after,
                                            double dispatchSeconds) {
        return submit(participant, task, after);
    }

    /**
     * Like {@link #submit}, through {@link Participant#begin}: the result is the reply or, for a compressor with a
     * round exchange ({@link org.dml4j.compress.RoundExchange}), the statistic of its first phase. The default runs
     * {@link #submit} (the whole task: such a participant then fails its task, saying that these workers make no
     * exchanges); workers that keep the participants in their own process ({@code WorkerPool}) run the phases.
     *
     * @param participant     who runs it
     * @param task            the task
     * @param after           the participant's previous task, or null
     * @param dispatchSeconds the virtual time of the dispatch
     * @return its reply or first statistic
     */
    default CompletableFuture<org.dml4j.fl.Progress> begin(Participant participant, Task task,
                                                          CompletableFuture<? extends org.dml4j.fl.Progress> after,
                                                          double dispatchSeconds) {
        CompletableFuture<Reply> previous = after == null ? null : after.handle((r, e) -> (Reply) null);
        return submit(participant, task, previous, dispatchSeconds).thenApply(r -> r);
    }

    /**
     * Continues a participant's task with the combined statistic of its phase ({@link Participant#resume}), once
     * {@code after} is done.
     *
     * @param participant who
     * @param shared      the combination
     * @param after       the participant's task so far
     * @return its next statistic or its reply
     * @throws UnsupportedOperationException by default: these workers make no round exchanges
     */
    default CompletableFuture<org.dml4j.fl.Progress> resume(Participant participant,
                                                           org.dml4j.fl.Statistic.Shared shared,
                                                           CompletableFuture<? extends org.dml4j.fl.Progress> after) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " makes no round exchanges");
    }

    /**
     * Starts every task submitted since the last call: a batching implementation sends them as one job. The
     * simulation calls it after each event the coordinator handled and before it waits for a reply; the default
     * does nothing (tasks start when submitted).
     */
    default void flush() {
    }

    /** @return the initial parameters every participant's model starts from */
    float[] initialParams();

    /** @return the model's tensors (names and shapes) over the flat parameter vector */
    ParameterLayout layout();

    /** @return how many tasks run at once (worker threads, or the cluster's cores) */
    int threads();

    /** @return wall nanoseconds spent inside training so far, summed over workers */
    long trainNanos();

    /** @return wall nanoseconds spent inside evaluation so far, summed over workers */
    long evalNanos();

    /** Ends the workers: tasks not started are dropped, models are closed. */
    @Override
    void close();
}
