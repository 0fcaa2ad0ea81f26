package org.dml4j.model.schedule;

import org.dml4j.core.Registry;

/**
 * The learning-rate schedule providers registered in
 * {@code META-INF/services/org.dml4j.model.schedule.LearningRateScheduleProvider}, selected by type name
 * ({@code "constant"}, {@code "step"}, {@code "inverse-time"}, ...).
 *
 * <p>Thread-safe. Providers are loaded on first use.
 */
public final class LearningRateSchedules {
    private static final Registry<LearningRateScheduleProvider> REGISTRY =
            new Registry<>("learning-rate schedule", LearningRateScheduleProvider.class,
                    LearningRateScheduleProvider::name);

    private LearningRateSchedules() {
    }

    /** @return the registry of schedule providers */
    public static Registry<LearningRateScheduleProvider> registry() {
        return REGISTRY;
    }

    /**
     * @param type   the provider name
     * @param config an instance of that provider's {@link LearningRateScheduleProvider#configType()}
     * @return the schedule
     * @throws IllegalArgumentException listing the known names when {@code type} is unknown
     */
    public static LearningRateSchedule create(String type, ScheduleConfig config) {
        return REGISTRY.get(type).create(config);
    }
}
