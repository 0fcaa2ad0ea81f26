package org.dml4j.model.djl;

import org.dml4j.model.ModelConfig;

/**
 * Configuration of {@code type = "logistic"}: multinomial logistic regression, one linear layer from the flattened
 * sample to the class logits, trained with softmax cross-entropy.
 *
 * <pre>
 * model = { type = "logistic", bias = true }
 * </pre>
 *
 * @param bias whether the linear layer adds a bias vector; null means the default, true
 */
public record LogisticConfig(Boolean bias) implements ModelConfig {
    /** Fills in defaults. */
    public LogisticConfig {
        if (bias == null) {
            bias = Boolean.TRUE;
        }
    }

    /** @return the default configuration: with bias */
    public static LogisticConfig defaults() {
        return new LogisticConfig(null);
    }
}
