package org.dml4j.cli.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code [training]} table of an experiment file: each client's local training. Its values are checked by
 * {@code LocalTraining}; the schedule is a {@code type}-selected table bound on its own.
 *
 * @param batchSize   samples a step (default 64)
 * @param localEpochs passes over the client's shard a round (default 1), used when {@code localSteps} is 0
 * @param localSteps  steps a round, or 0 for {@code localEpochs} (default 0)
 * @param momentum    SGD momentum (default 0)
 * @param weightDecay L2 weight decay (default 0)
 * @param schedule    the learning-rate schedule's table, {@code { type = "constant", learning-rate = 0.05 }}
 */
public record TrainingConfig(int batchSize, int localEpochs, int localSteps, float momentum, float weightDecay,
                             ObjectNode schedule) {
    /** @return the values a file leaves out (the schedule has no default) */
    public static TrainingConfig defaults() {
        return new TrainingConfig(64, 1, 0, 0, 0, null);
    }

    /**
     * @param resolved the schedule's table as bound, defaults included
     * @return this with that schedule
     */
    public TrainingConfig withSchedule(ObjectNode resolved) {
        return new TrainingConfig(batchSize, localEpochs, localSteps, momentum, weightDecay, resolved);
    }
}
