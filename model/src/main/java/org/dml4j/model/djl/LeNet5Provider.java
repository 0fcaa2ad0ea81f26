package org.dml4j.model.djl;

import org.dml4j.core.SeedTree;
import org.dml4j.model.Model;
import org.dml4j.model.ModelConfig;
import org.dml4j.model.ModelProvider;

/**
 * Provides {@code type = "lenet5"}: LeNet-5 ({@link LeNet5Config}), with DJL's PyTorch engine:
 * conv 5×5 (6) → act → pool 2 → conv 5×5 (16) → act → pool 2 → fc 120 → act → fc 84 → act → fc classes.
 * On 1×28×28 inputs with the default padding 2 it has 61,706 parameters. Tensors are named {@code conv1.*},
 * {@code conv2.*}, {@code fc1.*}, {@code fc2.*}, {@code fc3.*}.
 *
 * <pre>
 * Y. LeCun, L. Bottou, Y. Bengio, P. Haffner.
 * Gradient-Based Learning Applied to Document Recognition. Proceedings of the IEEE 86(11):2278-2324, 1998.
 * </pre>
 *
 * <p>Samples are read as images: {@code (channels, height, width)}, {@code (height, width)} or a flat square; with
 * the default padding they must be at least 10×10.
 *
 * <p>Thread-safe.
 */
public final class LeNet5Provider implements ModelProvider {
    /** The type name. */
    public static final String NAME = "lenet5";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public LeNet5Provider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<LeNet5Config> configType() {
        return LeNet5Config.class;
    }

    @Override
    public Model create(ModelConfig config, int[] sampleShape, int numClasses, SeedTree init) {
        return new TorchModel(network(config, sampleShape, numClasses), init);
    }

    static Network network(ModelConfig config, int[] sampleShape, int numClasses) {
        LeNet5Config c = ProviderSupport.cast(config, LeNet5Config.class, NAME);
        ProviderSupport.checkInput(sampleShape, numClasses);
        Network.Activation act = Network.Activation.parse("activation", c.activation());
        boolean max = c.pooling().equals("max");
        return new Network.Builder(NAME, ProviderSupport.imageShape(sampleShape, NAME))
                .conv("conv1", c.channels().get(0), 5, c.padding(), act).pool(max, 2)
                .conv("conv2", c.channels().get(1), 5, 0, act).pool(max, 2)
                .dense("fc1", c.hidden().get(0), act)
                .dense("fc2", c.hidden().get(1), act)
                .dense("fc3", numClasses, Network.Activation.NONE)
                .build();
    }
}
