package org.dml4j.fl;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.RoundExchange;
import org.dml4j.core.Dml4jException;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.model.Model;
import org.dml4j.model.TrainResult;

/**
 * The client participant: load the task's starting parameters into a worker's model, train locally, and return the
 * compressed delta {@code w_local − w_start}. Failures (divergence, a rejected update) become a {@link Reply.Failed}
 * rather than an exception.
 *
 * <p>One instance per client. It keeps the client's local data and its compressor state (error-feedback residual,
 * adaptive level, created on the first task) across tasks; it borrows a {@link Model} from the executing worker for each task. Its randomness
 * for a task comes from the task's seed path under the run's seed. A compressor with a round exchange
 * ({@link RoundExchange}) makes {@link #begin} return its first {@link Statistic}; the client keeps the trained delta
 * until {@link #resume} has been given every phase's combined value, then compresses. Not thread-safe: a client runs
 * one task at a time.
 */
public final class FlClient implements Participant, org.dml4j.fl.checkpoint.Checkpointable {
    private final int id;
    private final Dataset data;
    private final Supplier<CompressorState> uplinkFactory;
    private CompressorState uplink;
    private final LocalTraining training;
    private final SeedTree seeds;
    private final boolean absoluteLevels;
    /** The task waiting for a shared statistic, or null. */
    private Waiting waiting;

    /**
     * @param id             client id
     * @param data           local training data
     * @param uplink         creates this client's compressor state for its uploads, on its first task (so that
     *                       100,000 registered clients cost nothing until they train)
     * @param training       batch size, momentum and weight decay of local training
     * @param seeds          the run's root seed, under which the tasks' seed paths are resolved
     * @param absoluteLevels whether a task's level is a threshold (else a ratio)
     */
    public FlClient(int id, Dataset data, Supplier<CompressorState> uplink, LocalTraining training, SeedTree seeds,
                    boolean absoluteLevels) {
        this.id = id;
        this.data = Objects.requireNonNull(data, "data");
        this.uplinkFactory = Objects.requireNonNull(uplink, "uplink");
        this.training = Objects.requireNonNull(training, "training");
        this.seeds = Objects.requireNonNull(seeds, "seeds");
        this.absoluteLevels = absoluteLevels;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int numSamples() {
        return data.size();
    }

    /** @return the local data */
    public Dataset data() {
        return data;
    }

    /**
     * Runs the whole task. A compressor that needs a round exchange ({@link RoundExchange}) cannot finish here: the
     * reply is then a {@link Reply.Failed} that says so (such runs need a transport that calls {@link #begin}).
     */
    @Override
    public Reply run(Task task, Model model) {
        Progress p = begin(task, model, 0);
        if (p instanceof Statistic s) {
            waiting = null;
            return new Reply.Failed(id, task.id(), task.version(), "the uplink compressor needs a round exchange"
                    + " (phase " + s.phase() + " of its statistics), which this transport does not make");
        }
        return (Reply) p;
    }

    @Override
    public Progress begin(Task task, Model model, double dispatchSeconds) {
        if (task.participant() != id) {
            throw new IllegalArgumentException("task for participant " + task.participant() + " given to client "
                    + id);
        }
        waiting = null;
        float[] start = task.model();
        try {
            model.setParams(start);
            SplittableRandom rng = resolve(seeds, task.seedPath()).random();
            TrainResult r = model.train(data, training.trainSpec(task), rng);
            float[] scratch = new float[start.length]; // per task, not per client: most clients sit idle
            model.getParams(scratch);
            for (int i = 0; i < scratch.length; i++) {
                scratch[i] -= start[i];
            }
            if (uplink == null) {
                uplink = uplinkFactory.get();
            }
            uplink.beginRound(task.version()); // compressor schedules follow the model version
            if (!Double.isNaN(task.level())) {
                if (absoluteLevels) {
                    uplink.setThreshold(task.level());
                } else {
                    uplink.setRatio(task.level());
                }
            }
            Waiting w = new Waiting(task, scratch, r.meanLoss(), r.steps(), uplink.exchange());
            return w.exchange == null ? finish(w) : report(w, 0);
        } catch (Dml4jException | IllegalArgumentException | UnsupportedOperationException e) {
            return new Reply.Failed(id, task.id(), task.version(), String.valueOf(e.getMessage()));
        }
    }

    @Override
    public Progress resume(Statistic.Shared shared) {
        Waiting w = waiting;
        if (w == null || w.task.id() != shared.taskId() || w.phase != shared.phase()) {
            throw new IllegalStateException("client " + id + " has no task waiting for phase " + shared.phase()
                    + " of task " + shared.taskId() + (w == null ? "" : " (task " + w.task.id() + " waits for phase "
                    + w.phase + ")"));
        }
        waiting = null;
        try {
            w.exchange.setShared(shared.phase(), shared.values());
            return shared.phase() + 1 < w.exchange.exchanges() ? report(w, shared.phase() + 1) : finish(w);
        } catch (Dml4jException | IllegalArgumentException | UnsupportedOperationException e) {
            return new Reply.Failed(id, w.task.id(), w.task.version(), String.valueOf(e.getMessage()));
        }
    }

    private Statistic report(Waiting w, int phase) {
        float[] values = w.exchange.localStatistic(phase, w.delta);
        w.phase = phase;
        waiting = w;
        return new Statistic(id, w.task.id(), phase, w.exchange.reduction(phase), values);
    }

    private Reply finish(Waiting w) {
        CompressedUpdate u = uplink.compress(w.delta);
        return new Reply.Ok(id, w.task.id(), w.task.version(), u, data.size(), w.loss, w.steps, 0, 0, 0);
    }

    /** A trained task waiting for the combined statistic of its phase. */
    private static final class Waiting {
        final Task task;
        final float[] delta;
        final double loss;
        final int steps;
        final RoundExchange exchange;
        int phase;

        Waiting(Task task, float[] delta, double loss, int steps, RoundExchange exchange) {
            this.task = task;
            this.delta = delta;
            this.loss = loss;
            this.steps = steps;
            this.exchange = exchange;
        }
    }

    /**
     * Saves the client's compressor state (error-feedback residual, level, generator position), if it has made one;
     * call when it runs no task.
     *
     * @param out where to write
     * @throws UnsupportedOperationException when the compressor cannot be checkpointed
     */
    @Override
    public void save(org.dml4j.core.Snapshot out) {
        out.putBoolean("trained", uplink != null);
        if (uplink != null) {
            uplink.save(out.under("uplink"));
        }
    }

    /** Makes the compressor state afresh (same seed path) and restores it, when the saved client had one. */
    @Override
    public void restore(org.dml4j.core.Snapshot in) {
        if (in.getBoolean("trained")) {
            CompressorState s = uplinkFactory.get();
            s.restore(in.under("uplink"));
            uplink = s;
        } else {
            uplink = null;
        }
    }

    /**
     * @param root a seed tree
     * @param path slash-separated children: numbers are indices, anything else labels ({@code client/3/5})
     * @return the node at that path
     */
    public static SeedTree resolve(SeedTree root, String path) {
        SeedTree t = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty segment in seed path '" + path + "'");
            }
            t = part.chars().allMatch(Character::isDigit) ? t.child(Long.parseLong(part)) : t.child(part);
        }
        return t;
    }
}
