package org.dml4j.fl.xregion;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.core.Dml4jException;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.model.AdamState;
import org.dml4j.model.Model;
import org.dml4j.model.TrainResult;
import org.dml4j.model.TrainSpec;

/**
 * A data-parallel worker of a cross-region run: from the shared parameters of the task it takes the task's H inner
 * steps on its shard and returns the dense delta {@code θ_i − θ} (the region's leader averages and compresses the
 * deltas of its workers). The inner optimiser is SGD with the run's momentum and weight decay (its momentum buffer
 * starts at zero on every task, as in Local SGD) or AdamW (DiLoCo's inner optimiser), whose moments and step count this
 * worker keeps from one sync to the next, whichever worker thread's model runs the task.
 *
 * <p>One instance per worker; not thread-safe (one task at a time).
 */
public final class DataParallelWorker implements Participant {
    private final int id;
    private final Dataset data;
    private final LocalTraining training;
    private final SeedTree seeds;
    private final float[] adam; // beta1, beta2, eps, or null for SGD
    private AdamState state;

    /**
     * @param id       worker id
     * @param data     its shard
     * @param training batch size, momentum (SGD) and weight decay (AdamW's decoupled decay)
     * @param seeds    the run's seed tree (tasks' seed paths resolve under it)
     * @param adamW    null for SGD, else AdamW's {beta1, beta2, eps}
     */
    public DataParallelWorker(int id, Dataset data, LocalTraining training, SeedTree seeds, float[] adamW) {
        this.id = id;
        this.data = Objects.requireNonNull(data, "data");
        this.training = Objects.requireNonNull(training, "training");
        this.seeds = Objects.requireNonNull(seeds, "seeds");
        if (adamW != null && adamW.length != 3) {
            throw new IllegalArgumentException("adamW needs {beta1, beta2, eps}, got " + adamW.length + " values");
        }
        this.adam = adamW == null ? null : adamW.clone();
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int numSamples() {
        return data.size();
    }

    /** @return the inner AdamW state (null for SGD or before the first task) */
    public AdamState adamState() {
        return state;
    }

    @Override
    public Reply run(Task task, Model model) {
        float[] start = task.model();
        try {
            model.setParams(start);
            SplittableRandom rng = FlClient.resolve(seeds, task.seedPath()).random();
            TrainSpec spec;
            if (adam == null) {
                spec = training.trainSpec(task);
            } else {
                if (state == null) {
                    state = new AdamState(start.length, adam[0], adam[1], adam[2]);
                }
                spec = new TrainSpec(task.localSteps(), training.batchSize(), task.learningRate(), 0f,
                        training.weightDecay(), 0f, null, state);
            }
            TrainResult r = model.train(data, spec, rng);
            float[] delta = new float[start.length];
            model.getParams(delta);
            for (int i = 0; i < delta.length; i++) {
                delta[i] -= start[i];
            }
            return new Reply.Ok(id, task.id(), task.version(), new DenseUpdate(delta), data.size(), r.meanLoss(),
                    r.steps(), 0, 0, 0);
        } catch (Dml4jException | IllegalArgumentException e) {
            return new Reply.Failed(id, task.id(), task.version(), String.valueOf(e.getMessage()));
        }
    }
}
