package org.dml4j.fl;

import java.util.Objects;
import org.dml4j.model.schedule.LearningRateSchedule;
import org.dml4j.model.TrainSpec;

/**
 * How clients train locally: mini-batch size, amount of local work, the learning-rate schedule over rounds, momentum
 * and weight decay. Strategies read it to build their {@link Task}s.
 *
 * @param batchSize   samples per SGD step
 * @param localEpochs passes over the local data per round (used when {@code localSteps == 0})
 * @param localSteps  fixed number of SGD steps per round; 0 to use {@code localEpochs}
 * @param schedule    learning rate as a function of the round
 * @param momentum    heavy-ball momentum in [0, 1)
 * @param weightDecay L2 coefficient
 */
public record LocalTraining(int batchSize, int localEpochs, int localSteps, LearningRateSchedule schedule,
                            float momentum, float weightDecay) {
    /** Validates the fields, naming the bad one. */
    public LocalTraining {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size must be >= 1, got " + batchSize);
        }
        if (localSteps < 0) {
            throw new IllegalArgumentException("local-steps must be >= 0, got " + localSteps);
        }
        if (localSteps == 0 && localEpochs < 1) {
            throw new IllegalArgumentException("local-epochs must be >= 1 when local-steps is 0, got " + localEpochs);
        }
        Objects.requireNonNull(schedule, "schedule");
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight-decay must be >= 0, got " + weightDecay);
        }
    }

    /**
     * @param numSamples a client's local data size
     * @return SGD steps that client takes per round
     */
    public int stepsFor(int numSamples) {
        if (localSteps > 0) {
            return localSteps;
        }
        int perEpoch = Math.max(1, (numSamples + batchSize - 1) / batchSize);
        return perEpoch * localEpochs;
    }

    /**
     * @param task what the coordinator asked of one participant; its model is the proximal centre
     * @return the model's training spec
     */
    public TrainSpec trainSpec(Task task) {
        return new TrainSpec(task.localSteps(), batchSize, task.learningRate(), momentum, weightDecay,
                task.proxMu(), task.proxMu() > 0 ? task.model() : null);
    }
}
