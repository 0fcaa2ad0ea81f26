package org.dml4j.fl;

import java.util.Objects;
import org.dml4j.compress.CompressedUpdate;

/**
 * A client's answer to one round. Remote failures are data, not exceptions: a {@link Failed} reply is counted and
 * logged, never aggregated.
 */
public sealed interface ClientReply permits ClientReply.Ok, ClientReply.Failed {
    /** @return the client */
    int clientId();

    /**
     * A successful round.
     *
     * @param clientId   the client
     * @param numSamples the client's local data size (the FedAvg weight)
     * @param update     the compressed model delta (local − global)
     * @param trainLoss  mean local training loss
     * @param steps      SGD steps taken
     */
    record Ok(int clientId, int numSamples, CompressedUpdate update, double trainLoss, int steps)
            implements ClientReply {
        /** Validates the fields. */
        public Ok {
            Objects.requireNonNull(update, "update");
        }
    }

    /**
     * A failed round.
     *
     * @param clientId the client
     * @param reason   why it failed
     */
    record Failed(int clientId, String reason) implements ClientReply {
    }
}
