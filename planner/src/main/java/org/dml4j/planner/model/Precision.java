package org.dml4j.planner.model;

import java.util.Locale;

/**
 * Numeric precision of a training run's matrix multiplications, used to look up a GPU's peak FLOP/s and the byte
 * size of activations and communicated tensors.
 *
 * <p>Mixed-precision training (Micikevicius et al., "Mixed Precision Training", ICLR 2018) keeps FP32 master weights
 * and optimizer state whatever the compute precision; see the memory model in
 * {@link org.dml4j.planner.cost.AnalyticCostModel}.
 *
 * <p>Immutable and thread-safe.
 */
public enum Precision {
    /** IEEE single precision on the CUDA cores. */
    FP32(4),
    /** TensorFloat-32 tensor-core matrix multiplications with FP32 storage. */
    TF32(4),
    /** IEEE half precision. */
    FP16(2),
    /** bfloat16. */
    BF16(2),
    /** 8-bit floating point matrix multiplications (Transformer Engine); activations kept in 16 bits. */
    FP8(2);

    private final int activationBytes;

    Precision(int activationBytes) {
        this.activationBytes = activationBytes;
    }

    /**
     * @return bytes of one activation element (and of one communicated activation element)
     */
    public int activationBytes() {
        return activationBytes;
    }

    /**
     * @return the lower-case name used in files ("bf16")
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param field the field being read, for the error message
     * @param value a name such as "bf16" (case-insensitive)
     * @return the precision
     * @throws IllegalArgumentException naming the field, the value and the known names
     */
    public static Precision parse(String field, String value) {
        if (value != null) {
            for (Precision p : values()) {
                if (p.key().equalsIgnoreCase(value.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException(field + ": unknown precision '" + value + "'; known: fp32, tf32, fp16, bf16,"
                + " fp8");
    }
}
