package org.dml4j.planner.model;

/**
 * Where a layer sits for pipeline partitioning. Pipeline stages are made of {@link #BLOCK}s; an {@link #EMBEDDING}
 * travels with the block after it and a {@link #HEAD} with the block before it, as in Megatron-LM, where the first
 * stage holds the embedding and the last stage the output layer and loss (Narayanan et al., SC 2021).
 *
 * <p>Immutable and thread-safe.
 */
public enum LayerRole {
    /** Input embedding: attached to the following block's stage. */
    EMBEDDING,
    /** A repeated block (transformer layer or generic layer): the unit of pipeline partitioning. */
    BLOCK,
    /** Output layer and loss: attached to the preceding block's stage. */
    HEAD
}
