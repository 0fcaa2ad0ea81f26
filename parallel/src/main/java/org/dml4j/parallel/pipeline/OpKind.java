package org.dml4j.parallel.pipeline;

/**
 * The kinds of pipeline operation on one micro-batch and one model chunk.
 *
 * <pre>
 * Split backward (B and W): Qi et al., "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024.
 * </pre>
 */
public enum OpKind {
    /** Forward pass; allocates the micro-batch's activations. */
    F("F"),
    /** Backward pass for the inputs (activation gradient); on the critical path between stages. */
    B("B"),
    /** Backward pass for the weights; depends only on the same stage's B and can be deferred. */
    W("W"),
    /** Fused backward (B then W as one operation), as in GPipe and 1F1B. */
    BW("BW");

    private final String label;

    OpKind(String label) {
        this.label = label;
    }

    /** @return the short label used in charts and messages ("F", "B", "W", "BW") */
    public String label() {
        return label;
    }
}
