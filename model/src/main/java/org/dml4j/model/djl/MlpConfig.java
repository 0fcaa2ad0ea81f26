package org.dml4j.model.djl;

import java.util.List;
import org.dml4j.model.ModelConfig;

/**
 * Configuration of {@code type = "mlp"}: a multi-layer perceptron, fully connected hidden layers with ReLU followed by
 * a linear layer to the class logits. The default {@code [200]} on 28×28 inputs is the 784-200-10 network used as the
 * speed reference; {@code [200, 200]} is the "2NN" of McMahan et al. (2017).
 *
 * <pre>
 * model = { type = "mlp", hidden = [200, 200] }
 * </pre>
 *
 * @param hidden widths of the hidden layers, in order; may be empty (logistic regression); null means {@code [200]}
 */
public record MlpConfig(List<Integer> hidden) implements ModelConfig {
    /** The default hidden widths. */
    public static final List<Integer> HIDDEN_DEFAULT = List.of(200);

    /** Fills in defaults and validates, naming the bad field. */
    public MlpConfig {
        hidden = hidden == null ? HIDDEN_DEFAULT : ProviderSupport.positiveList("hidden", hidden, 0, 64);
    }

    /** @return the default configuration, one hidden layer of 200 units */
    public static MlpConfig defaults() {
        return new MlpConfig(null);
    }
}
