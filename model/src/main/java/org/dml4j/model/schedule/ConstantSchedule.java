package org.dml4j.model.schedule;

import java.util.Objects;

/**
 * The same learning rate in every round ({@code type = "constant"}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param config the configuration
 */
public record ConstantSchedule(ConstantScheduleConfig config) implements LearningRateSchedule {
    /** Checks for null. */
    public ConstantSchedule {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public double rate(int round) {
        LearningRateSchedule.checkRound(round);
        return config.learningRate();
    }

    /** Provides {@code type = "constant"}; registered in {@code META-INF/services}. Thread-safe. */
    public static final class Provider implements LearningRateScheduleProvider {
        /** The type name. */
        public static final String NAME = "constant";

        /** Creates the provider; called by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<ConstantScheduleConfig> configType() {
            return ConstantScheduleConfig.class;
        }

        @Override
        public LearningRateSchedule create(ScheduleConfig config) {
            return new ConstantSchedule(LearningRateScheduleProvider.cast(config, ConstantScheduleConfig.class, NAME));
        }
    }
}
