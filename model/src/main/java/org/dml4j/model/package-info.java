/**
 * The {@link org.dml4j.model.Model} SPI on flat parameter vectors, its providers, optimiser settings, learning-rate
 * schedules, and the DJL (PyTorch engine) implementations: logistic regression, MLP, a 2-conv CNN and LeNet-5.
 * Only this module sees DJL.
 */
package org.dml4j.model;
