/**
 * Learning-rate schedules over federated rounds: {@code constant}, {@code step} and {@code inverse-time}, each a
 * {@link org.dml4j.model.schedule.LearningRateScheduleProvider} with a validated config record, selected by name
 * through {@link org.dml4j.model.schedule.LearningRateSchedules}.
 */
package org.dml4j.model.schedule;
