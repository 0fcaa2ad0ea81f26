package org.dml4j.model.schedule;

/**
 * Creates learning-rate schedules of one type, selected by {@link #name()} as the {@code type} of a config file's
 * schedule table. Registered in {@code META-INF/services/org.dml4j.model.schedule.LearningRateScheduleProvider}.
 *
 * <p>Thread-safe.
 */
public interface LearningRateScheduleProvider {
    /** @return the type name, e.g. {@code "step"} */
    String name();

    /** @return the configuration record this provider reads */
    Class<? extends ScheduleConfig> configType();

    /**
     * @param config an instance of {@link #configType()}
     * @return the schedule
     * @throws IllegalArgumentException when the config has the wrong type
     */
    LearningRateSchedule create(ScheduleConfig config);

    /**
     * @param config the config handed to a provider
     * @param type   the provider's config type
     * @param name   the provider's name, for the message
     * @param <C>    the config type
     * @return {@code config} cast to {@code type}
     */
    static <C extends ScheduleConfig> C cast(ScheduleConfig config, Class<C> type, String name) {
        if (config == null) {
            throw new NullPointerException("config");
        }
        if (!type.isInstance(config)) {
            throw new IllegalArgumentException("schedule type " + name + " needs a " + type.getSimpleName()
                    + ", got " + config.getClass().getSimpleName());
        }
        return type.cast(config);
    }
}
