package org.dml4j.parallel.pipeline;

import java.util.Objects;

/**
 * One operation of a pipeline schedule: a pass of one kind over one micro-batch on one of a device's model chunks.
 *
 * @param kind       the pass
 * @param chunk      the device's model chunk, {@code 0 <= chunk < v}
 * @param microbatch the micro-batch, {@code 0 <= microbatch < m}
 */
public record Op(OpKind kind, int chunk, int microbatch) {
    /** Validates the fields. */
    public Op {
        Objects.requireNonNull(kind, "kind");
        if (chunk < 0 || chunk > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk must be in [0," + MAX_CHUNK + "], got " + chunk);
        }
        if (microbatch < 0 || microbatch > MAX_MICROBATCH) {
            throw new IllegalArgumentException("microbatch must be in [0," + MAX_MICROBATCH + "], got " + microbatch);
        }
    }

    /** The largest chunk index an operation can carry. */
    public static final int MAX_CHUNK = 63;
    /** The largest micro-batch index an operation can carry. */
    public static final int MAX_MICROBATCH = (1 << 23) - 1;

    /**
     * @param chunk model chunk
     * @param mb micro-batch
     * @return a forward op
     */
    public static Op f(int chunk, int mb) {
        return new Op(OpKind.F, chunk, mb);
    }

    /**
     * @param chunk model chunk
     * @param mb micro-batch
     * @return a backward-for-inputs op
     */
    public static Op b(int chunk, int mb) {
        return new Op(OpKind.B, chunk, mb);
    }

    /**
     * @param chunk model chunk
     * @param mb micro-batch
     * @return a backward-for-weights op
     */
    public static Op w(int chunk, int mb) {
        return new Op(OpKind.W, chunk, mb);
    }

    /**
     * @param chunk model chunk
     * @param mb micro-batch
     * @return a fused backward op
     */
    public static Op bw(int chunk, int mb) {
        return new Op(OpKind.BW, chunk, mb);
    }

    int code() {
        return encode(kind, chunk, microbatch);
    }

    static int encode(OpKind kind, int chunk, int mb) {
        return (mb << 8) | (chunk << 2) | kind.ordinal();
    }

    static Op decode(int code) {
        return new Op(KINDS[code & 3], (code >>> 2) & 63, code >>> 8);
    }

    static int kindOrdinal(int code) {
        return code & 3;
    }

    static int chunkOf(int code) {
        return (code >>> 2) & 63;
    }

    static int microbatchOf(int code) {
        return code >>> 8;
    }

    private static final OpKind[] KINDS = OpKind.values();

    @Override
    public String toString() {
        return kind.label() + (chunk == 0 ? "" : "c" + chunk) + "#" + microbatch;
    }
}
