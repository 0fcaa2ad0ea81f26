package org.dml4j.fl;

import java.util.Objects;
import org.dml4j.compress.UpdateCodec;

/**
 * What the coordinator asks of one participant: a plain value that could cross a wire.
 *
 * <p>The participant starts from {@link #model()}. When {@link #fromReplica()} is true the participant already holds
 * that model: it is its replica of the global model, kept current by the downlink {@link Broadcast}s, so only the
 * version goes on the wire. In process the array is shared, never modified, by every task of one version.
 *
 * @param id           the coordinator's task number, unique in a run, increasing in dispatch order
 * @param participant  who runs it
 * @param version      the global model version the participant starts from (0 = the initial model)
 * @param model        the parameters it starts from; read only
 * @param fromReplica  whether the model is the participant's downlink replica (not sent with the task)
 * @param localSteps   SGD steps to take, at least 1
 * @param learningRate local step size, positive
 * @param proxMu       FedProx proximal coefficient, 0 for none
 * @param level        compression level for this dispatch: a ratio (Top-k, Rand-k, DGC) or a threshold (hard
 *                     threshold) as the participant's compressor understands it; NaN keeps the participant's own
 * @param seedPath     the seed path of the participant's randomness for this task, e.g. {@code client/3/5}: it names
 *                     the node, the version and the purpose, never a worker thread
 */
public record Task(long id, int participant, int version, float[] model, boolean fromReplica, int localSteps,
                   float learningRate, float proxMu, double level, String seedPath) {
    /** Validates the fields. */
    public Task {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(seedPath, "seedPath");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        if (localSteps < 1) {
            throw new IllegalArgumentException("localSteps must be >= 1, got " + localSteps);
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (!(proxMu >= 0) || !Float.isFinite(proxMu)) {
            throw new IllegalArgumentException("proxMu must be >= 0, got " + proxMu);
        }
        if (!Double.isNaN(level) && !(level > 0 && Double.isFinite(level))) {
            throw new IllegalArgumentException("level must be NaN or positive, got " + level);
        }
    }

    /**
     * @return bytes of the model this task carries: the dense parameters in the wire format of
     *     {@link UpdateCodec} (its header and 4 bytes a value), or 0 when the participant starts from its replica; the
     *     task's control fields (a few dozen bytes) are not counted
     */
    public long wireBytes() {
        return fromReplica ? 0 : UpdateCodec.HEADER_BYTES + 4L * model.length;
    }
}
