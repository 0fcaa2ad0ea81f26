package org.dml4j.fl;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What a {@link Strategy} sees of the coordinator and what it may do. Actions take effect at once: a dispatch goes to
 * the transport, a commit makes a new model version (metrics row, evaluation, and the end of the run at the last
 * version).
 */
public interface CoordinatorContext {
    /** @return the participants, by id */
    ClientPool pool();

    /** @return local training settings (batch size, local work, the learning-rate schedule) */
    LocalTraining training();

    /** @return the current global model version, from 0 */
    int version();

    /** @return the number of versions the run makes before it ends */
    int finalVersion();

    /** @return the current global parameters; read only (commit a new array to change them) */
    float[] model();

    /** @return the time on the run's clock, in seconds */
    double now();

    /**
     * @param purpose what the randomness is for (e.g. {@code "sample"})
     * @param index   which draw (e.g. the round)
     * @return a generator derived from the run's seed by the path {@code purpose/index}
     */
    SplittableRandom random(String purpose, long index);

    /** @return the ids of the participants that are available and run no task, ascending */
    int[] idle();

    /**
     * @param participant an id
     * @return whether it is running a task of this coordinator
     */
    boolean busy(int participant);

    /** @return the number of participants running a task */
    int inFlight();

    /**
     * Sends a task to an idle participant, starting from the current version.
     *
     * @param participant  who; must be idle
     * @param localSteps   SGD steps
     * @param learningRate local step size
     * @param proxMu       proximal coefficient, 0 for none
     * @param level        compression ratio or threshold for this dispatch; NaN for the participant's own
     * @return the task's id
     */
    long dispatch(int participant, int localSteps, float learningRate, float proxMu, double level);

    /**
     * Abandons a participant's task (a straggler past the deadline); it is counted as failed with the reason.
     *
     * @param participant a busy participant
     * @param reason      why
     */
    void cancel(int participant, String reason);

    /**
     * Rejects a reply the strategy will not apply (too stale): it is logged and counted as failed.
     *
     * @param reply  the reply
     * @param reason why
     */
    void discard(Reply.Ok reply, String reason);

    /**
     * Makes {@code next} the global model: version + 1, a metrics row, an evaluation when due, the end of the run at
     * {@link #finalVersion()}.
     *
     * @param next    the new parameters (the coordinator keeps the array)
     * @param applied the replies folded into it (their loss, samples and staleness are recorded)
     */
    void commit(float[] next, List<Reply.Ok> applied);

    /**
     * @param delaySeconds from now
     * @param tag          returned in the {@link Event.Timer}
     */
    void timer(double delaySeconds, long tag);

    /** @param line a line for the run's log (e.g. a per-client choice) */
    void log(String line);

    /** @return whether the run has ended (final version reached) */
    boolean finished();
}
