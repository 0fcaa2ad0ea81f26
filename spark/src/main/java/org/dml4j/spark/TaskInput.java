package org.dml4j.spark;

import java.io.Serial;
import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;
import org.dml4j.fl.Task;

/**
 * One {@link Task} as it crosses to an executor: its control fields, a handle to the Spark broadcast that holds its
 * starting model (one broadcast per model array, so every task of a version shares it and an executor fetches it
 * once), and the client's state before the task (its compressor's error-feedback residual, level and generator
 * position, in the checkpoint format; null before its first task). The state is the driver's, so a retried or
 * speculative copy of the task computes the same reply and the same state.
 *
 * <p>Immutable.
 */
final class TaskInput implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    final long taskId;
    final int client;
    final int version;
    final Broadcast<float[]> model;
    final boolean fromReplica;
    final int localSteps;
    final float learningRate;
    final float proxMu;
    final double level;
    final String seedPath;
    final byte[] state;

    TaskInput(Task t, Broadcast<float[]> model, byte[] state) {
        this.taskId = t.id();
        this.client = t.participant();
        this.version = t.version();
        this.model = model;
        this.fromReplica = t.fromReplica();
        this.localSteps = t.localSteps();
        this.learningRate = t.learningRate();
        this.proxMu = t.proxMu();
        this.level = t.level();
        this.seedPath = t.seedPath();
        this.state = state;
    }

    /** @return the task again, its model read from the broadcast */
    Task task() {
        return new Task(taskId, client, version, model.value(), fromReplica, localSteps, learningRate, proxMu, level,
                seedPath);
    }
}
