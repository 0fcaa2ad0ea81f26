package org.dml4j.model.djl;

import java.util.List;
import org.dml4j.model.ModelConfig;

/**
 * Configuration of {@code type = "cnn"}: the convolutional network of McMahan et al. (2017), "two 5×5 convolution
 * layers (the first with 32 channels, the second with 64, each followed by 2×2 max pooling), a fully connected layer
 * with 512 units and ReLU activation, and a final softmax output layer". Each entry of {@code channels} adds one
 * block of convolution ("same" padding, stride 1), ReLU and 2×2 max pooling.
 *
 * <pre>
 * model = { type = "cnn", channels = [32, 64], kernel = 5, hidden = 512 }
 * </pre>
 *
 * @param channels output channels of the convolution blocks, 1 to 8 entries; null means {@code [32, 64]}
 * @param kernel   odd square kernel size; null means 5
 * @param hidden   units of the fully connected hidden layer; null means 512
 */
public record CnnConfig(List<Integer> channels, Integer kernel, Integer hidden) implements ModelConfig {
    /** Default convolution channels. */
    public static final List<Integer> CHANNELS_DEFAULT = List.of(32, 64);
    /** Default kernel size. */
    public static final int KERNEL_DEFAULT = 5;
    /** Default hidden units. */
    public static final int HIDDEN_DEFAULT = 512;

    /** Fills in defaults and validates, naming the bad field. */
    public CnnConfig {
        channels = channels == null ? CHANNELS_DEFAULT : ProviderSupport.positiveList("channels", channels, 1, 8);
        kernel = kernel == null ? KERNEL_DEFAULT : ProviderSupport.atLeast("kernel", kernel, 1);
        if (kernel % 2 == 0) {
            throw new IllegalArgumentException("kernel must be odd (for same padding), got " + kernel);
        }
        hidden = hidden == null ? HIDDEN_DEFAULT : ProviderSupport.atLeast("hidden", hidden, 1);
    }

    /** @return the FedAvg configuration: channels [32, 64], kernel 5, hidden 512 */
    public static CnnConfig defaults() {
        return new CnnConfig(null, null, null);
    }
}
