package org.dml4j.fl;

import java.util.Objects;
import org.dml4j.compress.CompressedUpdate;

/**
 * A participant's answer to one {@link Task}: a plain value that could cross a wire. Remote failures are data, not
 * exceptions: a {@link Failed} reply reaches the strategy with its reason and is counted, never aggregated.
 */
public sealed interface Reply extends Progress permits Reply.Ok, Reply.Failed {
    /** @return the participant */
    @Override
    int participant();

    /** @return the task answered */
    @Override
    long taskId();

    /** @return the global model version the participant started from */
    int baseVersion();

    /**
     * A finished task.
     *
     * @param participant    the participant
     * @param taskId         the task answered
     * @param baseVersion    the version it trained from
     * @param update         the compressed model delta (local − start)
     * @param numSamples     its local data size (the FedAvg weight)
     * @param trainLoss      mean local training loss
     * @param steps          SGD steps taken
     * @param computeSeconds  time spent training (virtual in the simulator, 0 where not measured)
     * @param downloadSeconds time the task spent on the wire (virtual in the simulator)
     * @param uploadSeconds   time the reply spent on the wire (virtual in the simulator)
     */
    record Ok(int participant, long taskId, int baseVersion, CompressedUpdate update, int numSamples,
              double trainLoss, int steps, double computeSeconds, double downloadSeconds, double uploadSeconds)
            implements Reply {
        /** Validates the fields. */
        public Ok {
            Objects.requireNonNull(update, "update");
        }

        /**
         * @param compute  compute seconds
         * @param download seconds the task took to arrive
         * @param upload   seconds the reply took to arrive
         * @return this reply with its times
         */
        public Ok withTimes(double compute, double download, double upload) {
            return new Ok(participant, taskId, baseVersion, update, numSamples, trainLoss, steps, compute, download,
                    upload);
        }
    }

    /**
     * A task that failed on the participant (divergence, a rejected update).
     *
     * @param participant the participant
     * @param taskId      the task
     * @param baseVersion the version it started from
     * @param reason      why it failed
     */
    record Failed(int participant, long taskId, int baseVersion, String reason) implements Reply {
        /** Validates the fields. */
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
