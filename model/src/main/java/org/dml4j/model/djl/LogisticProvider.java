package org.dml4j.model.djl;

import org.dml4j.core.SeedTree;
import org.dml4j.model.Model;
import org.dml4j.model.ModelConfig;
import org.dml4j.model.ModelProvider;

/**
 * Provides {@code type = "logistic"}: multinomial logistic regression ({@link LogisticConfig}) on the flattened
 * sample, with DJL's PyTorch engine.
 *
 * <p>Thread-safe.
 */
public final class LogisticProvider implements ModelProvider {
    /** The type name. */
    public static final String NAME = "logistic";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public LogisticProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<LogisticConfig> configType() {
        return LogisticConfig.class;
    }

    @Override
    public Model create(ModelConfig config, int[] sampleShape, int numClasses, SeedTree init) {
        return new TorchModel(network(config, sampleShape, numClasses), init);
    }

    static Network network(ModelConfig config, int[] sampleShape, int numClasses) {
        LogisticConfig c = ProviderSupport.cast(config, LogisticConfig.class, NAME);
        int in = ProviderSupport.checkInput(sampleShape, numClasses);
        return new Network.Builder(NAME, in).dense("fc", numClasses, Network.Activation.NONE, c.bias()).build();
    }
}
