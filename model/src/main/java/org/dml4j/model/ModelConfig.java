package org.dml4j.model;

/**
 * Marker for the configuration record of one model type ({@code MlpConfig}, {@code LeNet5Config}, ...). Records
 * validate in their compact constructor and name the bad field.
 */
public interface ModelConfig {
}
