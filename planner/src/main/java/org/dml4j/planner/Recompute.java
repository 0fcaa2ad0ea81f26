package org.dml4j.planner;

import java.util.Locale;

/**
 * Activation recomputation (checkpointing) policy.
 *
 * <pre>
 * Chen et al., "Training Deep Nets with Sublinear Memory Cost", 2016 (full checkpointing).
 * Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models", MLSys 2023 (selective).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum Recompute {
    /** Keep every activation: no extra compute, most memory. */
    NONE,
    /**
     * Recompute only the attention core (softmax, dropout, {@code AV}) in the backward pass: drops the
     * {@code 5as^2} bytes per layer at the cost of re-running the attention core (Korthikanti et al., section 5).
     */
    SELECTIVE,
    /**
     * Keep only each transformer layer's input ({@code 2sh} bytes) and re-run the whole forward pass of the layer in
     * the backward pass (Megatron-LM's "activation recomputation", as in Narayanan et al.'s table).
     */
    FULL;

    /**
     * @return the lower-case name used on the command line and in exports
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value "none", "selective" or "full" (case-insensitive)
     * @return the policy
     * @throws IllegalArgumentException naming the value and the known ones
     */
    public static Recompute parse(String value) {
        for (Recompute r : values()) {
            if (r.key().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("recompute: unknown value '" + value + "'; known: none, selective, full");
    }
}
