package org.dml4j.spark;

import java.io.Serial;
import java.util.List;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * Computes one cached partition from its block's broadcast: the partitions themselves hold only their index, so a
 * Spark task never carries shard data, and an executor fetches a block once (when it first computes, or after a
 * loss recomputes, that partition).
 *
 * @param <T> the block's type
 */
final class LoadBlock<T> implements Function<Integer, T> {
    @Serial
    private static final long serialVersionUID = 1L;
    private final List<Broadcast<T>> blocks;

    LoadBlock(List<Broadcast<T>> blocks) {
        this.blocks = blocks;
    }

    @Override
    public T call(Integer block) {
        return blocks.get(block).value();
    }
}
