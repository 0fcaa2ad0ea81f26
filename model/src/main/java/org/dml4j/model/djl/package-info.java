/**
 * Models on DJL's PyTorch engine: {@code logistic}, {@code mlp}, {@code cnn} (McMahan et al. 2017) and
 * {@code lenet5} (LeCun et al. 1998), each a {@link org.dml4j.model.ModelProvider} with a validated
 * {@code <Impl>Config} record.
 *
 * <p>All models share one training loop that bypasses DJL's {@code Trainer}: parameters sit in one flat tensor over a
 * Java direct buffer, a step is a few native operator calls plus one fused SGD update, and initial values are drawn
 * in Java from the {@link org.dml4j.core.SeedTree}, so the same seed gives the same model whatever the engine's own
 * random state. {@link org.dml4j.model.djl.TorchRuntime} loads the engine offline with one intra-op thread per model.
 * Only this package sees DJL.
 */
package org.dml4j.model.djl;
