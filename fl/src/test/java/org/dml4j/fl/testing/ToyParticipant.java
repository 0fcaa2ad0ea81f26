package org.dml4j.fl.testing;

import org.dml4j.compress.DenseUpdate;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.model.Model;

/**
 * A participant whose local objective is {@code ½‖w − target‖²}: each of its steps is {@code w ← w − η (w − target)}
 * in float arithmetic, so sequential training has a closed form to compare with. Needs no model; fails every task
 * when {@code fails} is set.
 */
public final class ToyParticipant implements Participant {
    private final int id;
    private final int samples;
    private final float[] target;
    private final boolean fails;

    /**
     * @param id      its id
     * @param samples its data size
     * @param target  the minimiser of its objective
     * @param fails   whether every task fails
     */
    public ToyParticipant(int id, int samples, float[] target, boolean fails) {
        this.id = id;
        this.samples = samples;
        this.target = target.clone();
        this.fails = fails;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int numSamples() {
        return samples;
    }

    /**
     * @param w    parameters, updated in place
     * @param steps SGD steps
     * @param lr   step size
     * @param target the minimiser
     */
    public static void train(float[] w, int steps, float lr, float[] target) {
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr * (w[i] - target[i]);
            }
        }
    }

    /** @return the minimiser (a copy) */
    public float[] target() {
        return target.clone();
    }

    @Override
    public Reply run(Task task, Model worker) {
        if (fails) {
            return new Reply.Failed(id, task.id(), task.version(), "toy failure");
        }
        float[] w = task.model().clone();
        train(w, task.localSteps(), task.learningRate(), target);
        double loss = 0;
        for (int i = 0; i < w.length; i++) {
            float d = w[i] - task.model()[i];
            w[i] = d;
            loss += (task.model()[i] - target[i]) * (double) (task.model()[i] - target[i]);
        }
        return new Reply.Ok(id, task.id(), task.version(), new DenseUpdate(w), samples, loss / 2, task.localSteps(),
                0, 0, 0);
    }
}
