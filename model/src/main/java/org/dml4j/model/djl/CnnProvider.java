package org.dml4j.model.djl;

import org.dml4j.core.SeedTree;
import org.dml4j.model.Model;
import org.dml4j.model.ModelConfig;
import org.dml4j.model.ModelProvider;

/**
 * Provides {@code type = "cnn"}: the convolutional network of the FedAvg paper ({@link CnnConfig}), with DJL's
 * PyTorch engine. On 1×28×28 inputs the default network has 1,663,370 parameters:
 * conv 5×5 32 → ReLU → max-pool 2 → conv 5×5 64 → ReLU → max-pool 2 → fc 512 → ReLU → fc classes.
 * Tensors are named {@code conv1.weight}, {@code conv1.bias}, ..., {@code fc1.*}, {@code fc2.*}.
 *
 * <pre>
 * H. B. McMahan, E. Moore, D. Ramage, S. Hampson, B. Agüera y Arcas.
 * Communication-Efficient Learning of Deep Networks from Decentralized Data. AISTATS 2017, PMLR 54:1273-1282.
 * </pre>
 *
 * <p>Samples are read as images: {@code (channels, height, width)}, {@code (height, width)} or a flat square.
 *
 * <p>Thread-safe.
 */
public final class CnnProvider implements ModelProvider {
    /** The type name. */
    public static final String NAME = "cnn";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public CnnProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<CnnConfig> configType() {
        return CnnConfig.class;
    }

    @Override
    public Model create(ModelConfig config, int[] sampleShape, int numClasses, SeedTree init) {
        return new TorchModel(network(config, sampleShape, numClasses), init);
    }

    static Network network(ModelConfig config, int[] sampleShape, int numClasses) {
        CnnConfig c = ProviderSupport.cast(config, CnnConfig.class, NAME);
        ProviderSupport.checkInput(sampleShape, numClasses);
        Network.Builder b = new Network.Builder(NAME, ProviderSupport.imageShape(sampleShape, NAME));
        int layer = 1;
        for (int ch : c.channels()) {
            b.conv("conv" + layer++, ch, c.kernel(), c.kernel() / 2, Network.Activation.RELU).pool(true, 2);
        }
        return b.dense("fc1", c.hidden(), Network.Activation.RELU)
                .dense("fc2", numClasses, Network.Activation.NONE)
                .build();
    }
}
