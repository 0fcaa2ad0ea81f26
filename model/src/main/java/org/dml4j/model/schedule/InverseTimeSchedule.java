package org.dml4j.model.schedule;

import java.util.Objects;

/**
 * Inverse-time decay ({@code type = "inverse-time"}): {@code rate(t) = learningRate / (1 + decay · t)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param config the configuration
 */
public record InverseTimeSchedule(InverseTimeScheduleConfig config) implements LearningRateSchedule {
    /** Checks for null. */
    public InverseTimeSchedule {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public double rate(int round) {
        LearningRateSchedule.checkRound(round);
        return config.learningRate() / (1 + config.decay() * round);
    }

    /** Provides {@code type = "inverse-time"}; registered in {@code META-INF/services}. Thread-safe. */
    public static final class Provider implements LearningRateScheduleProvider {
        /** The type name. */
        public static final String NAME = "inverse-time";

        /** Creates the provider; called by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<InverseTimeScheduleConfig> configType() {
            return InverseTimeScheduleConfig.class;
        }

        @Override
        public LearningRateSchedule create(ScheduleConfig config) {
            return new InverseTimeSchedule(
                    LearningRateScheduleProvider.cast(config, InverseTimeScheduleConfig.class, NAME));
        }
    }
}
