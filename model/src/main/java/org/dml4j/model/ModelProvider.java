package org.dml4j.model;

import org.dml4j.core.SeedTree;

/**
 * Creates models of one architecture, selected by {@link #name()} as the {@code type} of a config file's
 * {@code [model]} table. Registered in {@code META-INF/services/org.dml4j.model.ModelProvider}.
 *
 * <p>Thread-safe; every {@link #create} call returns a new, independent model.
 */
public interface ModelProvider {
    /** @return the type name, e.g. {@code "mlp"} */
    String name();

    /** @return the configuration record this provider reads; a config file's table is bound to it */
    Class<? extends ModelConfig> configType();

    /**
     * @param config      an instance of {@link #configType()}
     * @param sampleShape shape of one input sample, e.g. {@code {1, 28, 28}}
     * @param numClasses  number of output classes
     * @param init        seeds the initial parameters: the same node gives the same parameters
     * @return a new model
     * @throws IllegalArgumentException when the config does not fit the input shape
     */
    Model create(ModelConfig config, int[] sampleShape, int numClasses, SeedTree init);
}
