package org.dml4j.fl;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.CompressorState;
import org.dml4j.core.Dml4jException;
import org.dml4j.data.Dataset;
import org.dml4j.model.Model;
import org.dml4j.model.TrainResult;

/**
 * The client side of a round: load the global parameters into a worker's model, train locally, and return the
 * compressed delta {@code w_local − w_global}. Failures (divergence, a rejected update) become a
 * {@link ClientReply.Failed} reply rather than an exception.
 *
 * <p>One instance per client. It keeps the client's local data and its compressor state (error-feedback residual)
 * across rounds; it borrows a {@link Model} from the executing worker for each round. Not thread-safe: a client runs
 * one round at a time.
 */
public final class FlClient {
    private final int id;
    private final Dataset data;
    private final CompressorState uplink;
    private float[] scratch;

    /**
     * @param id     client id
     * @param data   local training data
     * @param uplink this client's compressor state for its uploads
     */
    public FlClient(int id, Dataset data, CompressorState uplink) {
        this.id = id;
        this.data = Objects.requireNonNull(data, "data");
        this.uplink = Objects.requireNonNull(uplink, "uplink");
    }

    /** @return the client id */
    public int id() {
        return id;
    }

    /** @return the local data */
    public Dataset data() {
        return data;
    }

    /**
     * Runs one round.
     *
     * @param model       a worker's model, used exclusively by this call
     * @param global      the parameters the client starts from (the global model, or the clients' replica of it
     *                    under downlink compression); not modified
     * @param round       the round, from 1; the compressor state is told it (schedules such as DGC warm-up and
     *                    γ-FedHT thresholds follow it)
     * @param instruction what the strategy asked
     * @param training    local training settings
     * @param rng         this client's generator for this round
     * @return the reply
     */
    public ClientReply runRound(Model model, float[] global, int round, ClientInstruction instruction,
                                LocalTraining training, SplittableRandom rng) {
        if (instruction.clientId() != id) {
            throw new IllegalArgumentException("instruction for client " + instruction.clientId()
                    + " given to client " + id);
        }
        try {
            model.setParams(global);
            TrainResult r = model.train(data, training.trainSpec(instruction, global), rng);
            if (scratch == null || scratch.length != global.length) {
                scratch = new float[global.length];
            }
            model.getParams(scratch);
            for (int i = 0; i < scratch.length; i++) {
                scratch[i] -= global[i];
            }
            uplink.beginRound(round - 1); // compressor schedules count rounds from 0
            CompressedUpdate u = uplink.compress(scratch);
            return new ClientReply.Ok(id, data.size(), u, r.meanLoss(), r.steps());
        } catch (Dml4jException | IllegalArgumentException e) {
            return new ClientReply.Failed(id, e.getMessage());
        }
    }
}
