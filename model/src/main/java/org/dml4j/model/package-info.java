/**
 * The {@link org.dml4j.model.Model} SPI on flat parameter vectors: {@link org.dml4j.model.ParameterLayout},
 * {@link org.dml4j.model.TrainSpec} (local SGD with momentum, weight decay and the FedProx term), results, and
 * {@link org.dml4j.model.ModelProvider}s selected by type name through {@link org.dml4j.model.Models}.
 * Implementations on DJL's PyTorch engine live in {@code org.dml4j.model.djl} (the only package that sees DJL);
 * learning-rate schedules over rounds in {@code org.dml4j.model.schedule}.
 */
package org.dml4j.model;
