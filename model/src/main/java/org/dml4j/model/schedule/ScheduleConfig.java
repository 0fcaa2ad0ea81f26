package org.dml4j.model.schedule;

/**
 * Marker for the configuration record of one learning-rate schedule type ({@link ConstantScheduleConfig},
 * {@link StepScheduleConfig}, {@link InverseTimeScheduleConfig}). Records validate in their compact constructor and
 * name the bad field.
 */
public interface ScheduleConfig {
}
