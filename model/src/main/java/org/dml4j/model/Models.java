package org.dml4j.model;

import org.dml4j.core.Registry;
import org.dml4j.core.SeedTree;

/**
 * The model providers registered in {@code META-INF/services/org.dml4j.model.ModelProvider}, selected by type name
 * ({@code "logistic"}, {@code "mlp"}, {@code "cnn"}, {@code "lenet5"}, ...).
 *
 * <p>Thread-safe. Providers are loaded on first use.
 */
public final class Models {
    private static final Registry<ModelProvider> REGISTRY =
            new Registry<>("model", ModelProvider.class, ModelProvider::name);

    private Models() {
    }

    /** @return the registry of model providers */
    public static Registry<ModelProvider> registry() {
        return REGISTRY;
    }

    /**
     * @param type the provider name
     * @return the provider
     * @throws IllegalArgumentException listing the known names when {@code type} is unknown
     */
    public static ModelProvider provider(String type) {
        return REGISTRY.get(type);
    }

    /**
     * Creates a model of the named type.
     *
     * @param type        the provider name
     * @param config      an instance of that provider's {@link ModelProvider#configType()}
     * @param sampleShape shape of one input sample
     * @param numClasses  number of classes
     * @param init        seeds the initial parameters
     * @return a new model; the caller closes it
     */
    public static Model create(String type, ModelConfig config, int[] sampleShape, int numClasses, SeedTree init) {
        return provider(type).create(config, sampleShape, numClasses, init);
    }
}
