package org.dml4j.model.schedule;

import java.util.Objects;

/**
 * Step decay ({@code type = "step"}): {@code rate(t) = learningRate · gamma^floor(t / every)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param config the configuration
 */
public record StepSchedule(StepScheduleConfig config) implements LearningRateSchedule {
    /** Checks for null. */
    public StepSchedule {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public double rate(int round) {
        LearningRateSchedule.checkRound(round);
        return config.learningRate() * Math.pow(config.gamma(), round / config.every());
    }

    /** Provides {@code type = "step"}; registered in {@code META-INF/services}. Thread-safe. */
    public static final class Provider implements LearningRateScheduleProvider {
        /** The type name. */
        public static final String NAME = "step";

        /** Creates the provider; called by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<StepScheduleConfig> configType() {
            return StepScheduleConfig.class;
        }

        @Override
        public LearningRateSchedule create(ScheduleConfig config) {
            return new StepSchedule(LearningRateScheduleProvider.cast(config, StepScheduleConfig.class, NAME));
        }
    }
}
