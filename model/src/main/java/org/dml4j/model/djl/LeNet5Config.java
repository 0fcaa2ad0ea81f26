package org.dml4j.model.djl;

import java.util.List;
import org.dml4j.model.ModelConfig;

/**
 * Configuration of {@code type = "lenet5"}: LeNet-5 of LeCun et al. (1998), two 5×5 convolutions (6 and 16
 * channels) each followed by an activation and 2×2 subsampling, then fully connected layers of 120 and 84 units and
 * the output layer. The paper's network reads 32×32 images without padding; {@code padding = 2} (the default) gives
 * the same layer sizes on 28×28 MNIST-style images. The defaults use ReLU and max pooling as most federated-learning
 * papers do; {@code activation = "tanh"} and {@code pooling = "avg"} are closer to the original.
 *
 * <pre>
 * model = { type = "lenet5", padding = 0, activation = "tanh", pooling = "avg" }
 * </pre>
 *
 * @param channels   output channels of the two convolutions, exactly 2 entries; null means {@code [6, 16]}
 * @param hidden     units of the two fully connected hidden layers, exactly 2 entries; null means {@code [120, 84]}
 * @param padding    zero padding of the first convolution, 0 to 4; null means 2
 * @param activation {@code "relu"} or {@code "tanh"}; null means relu
 * @param pooling    {@code "max"} or {@code "avg"}; null means max
 */
public record LeNet5Config(List<Integer> channels, List<Integer> hidden, Integer padding, String activation,
                           String pooling) implements ModelConfig {
    /** Default convolution channels. */
    public static final List<Integer> CHANNELS_DEFAULT = List.of(6, 16);
    /** Default hidden units. */
    public static final List<Integer> HIDDEN_DEFAULT = List.of(120, 84);
    /** Default padding of the first convolution. */
    public static final int PADDING_DEFAULT = 2;

    /** Fills in defaults and validates, naming the bad field. */
    public LeNet5Config {
        channels = channels == null ? CHANNELS_DEFAULT : ProviderSupport.positiveList("channels", channels, 2, 2);
        hidden = hidden == null ? HIDDEN_DEFAULT : ProviderSupport.positiveList("hidden", hidden, 2, 2);
        padding = padding == null ? PADDING_DEFAULT : ProviderSupport.atLeast("padding", padding, 0);
        if (padding > 4) {
            throw new IllegalArgumentException("padding must be <= 4, got " + padding);
        }
        activation = activation == null ? "relu" : activation;
        Network.Activation.parse("activation", activation);
        pooling = pooling == null ? "max" : pooling;
        if (!pooling.equals("max") && !pooling.equals("avg")) {
            throw new IllegalArgumentException("pooling must be max or avg, got " + pooling);
        }
    }

    /** @return the default configuration: channels [6, 16], hidden [120, 84], padding 2, relu, max pooling */
    public static LeNet5Config defaults() {
        return new LeNet5Config(null, null, null, null, null);
    }
}
