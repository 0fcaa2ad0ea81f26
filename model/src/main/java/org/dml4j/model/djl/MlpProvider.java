package org.dml4j.model.djl;

import org.dml4j.core.SeedTree;
import org.dml4j.model.Model;
import org.dml4j.model.ModelConfig;
import org.dml4j.model.ModelProvider;

/**
 * Provides {@code type = "mlp"}: a multi-layer perceptron ({@link MlpConfig}) on the flattened sample, with DJL's
 * PyTorch engine. Tensors are named {@code fc1.weight}, {@code fc1.bias}, ... up to the output layer.
 *
 * <p>Thread-safe.
 */
public final class MlpProvider implements ModelProvider {
    /** The type name. */
    public static final String NAME = "mlp";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MlpProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<MlpConfig> configType() {
        return MlpConfig.class;
    }

    @Override
    public Model create(ModelConfig config, int[] sampleShape, int numClasses, SeedTree init) {
        return new TorchModel(network(config, sampleShape, numClasses), init);
    }

    static Network network(ModelConfig config, int[] sampleShape, int numClasses) {
        MlpConfig c = ProviderSupport.cast(config, MlpConfig.class, NAME);
        int in = ProviderSupport.checkInput(sampleShape, numClasses);
        Network.Builder b = new Network.Builder(NAME, in);
        int layer = 1;
        for (int width : c.hidden()) {
            b.dense("fc" + layer++, width, Network.Activation.RELU);
        }
        return b.dense("fc" + layer, numClasses, Network.Activation.NONE).build();
    }
}
