package org.dml4j.spark;

import java.io.Serial;
import java.io.Serializable;

/**
 * What an executor sends back for one {@link TaskInput}: the reply in the checkpoint format (its compressed update
 * in the project's wire encoding, {@link org.dml4j.compress.UpdateCodec}), the client's state after the task, and
 * the wall time the training took. Its identity is the task id (with the client and the model version), so the
 * driver accepts exactly one output per task, whatever Spark retried.
 *
 * <p>Immutable.
 */
final class TaskOutput implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    final long taskId;
    final int client;
    final int version;
    final byte[] reply;
    final byte[] state;
    final long trainNanos;

    TaskOutput(long taskId, int client, int version, byte[] reply, byte[] state, long trainNanos) {
        this.taskId = taskId;
        this.client = client;
        this.version = version;
        this.reply = reply;
        this.state = state;
        this.trainNanos = trainNanos;
    }
}
