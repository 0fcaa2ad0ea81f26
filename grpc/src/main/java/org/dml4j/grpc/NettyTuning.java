package org.dml4j.grpc;

import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;

/**
 * The Netty buffer allocator the coordinator's server and the participants' channels use, in place of gRPC's own.
 *
 * <p>Why: on a stream of 1 MiB chunks most of an upload's CPU time went to allocating native memory (a JFR profile,
 * benchmarks/UPLOAD.md). gRPC's pooled allocator caches freed buffers per thread only up to 32 KiB and only on Netty's
 * own threads, while the chunks' buffers are 64 KiB to 1 MiB (the receiver's frame cumulation, the sender's message
 * framing) and the sender's are allocated on the participant's thread. So every freed buffer went back to its pool
 * chunk; a chunk that empties is released, and the next buffer allocates (and, on Java 25, where Netty allocates
 * through {@code Arena}, zeroes) a fresh chunk: native memory allocated and zeroed several times per byte sent.
 * This allocator caches freed buffers up to {@value #MAX_CACHED_BUFFER_BYTES} bytes on every thread, so the chunks
 * stay in use and are reused.
 *
 * <p>The cached size limit is a Netty system property read once, when Netty's allocator class is first used:
 * {@link #allocator()} sets it (unless it is set already) just before that. In a process that used gRPC's Netty
 * before (another library's channel) the limit stays Netty's default; the allocator still works, with fewer buffers
 * cached.
 */
final class NettyTuning {
    /** Netty's (shaded) system property: the largest buffer its thread caches keep. */
    static final String MAX_CACHED_BUFFER_PROP_NAME =
            "io.grpc.netty.shaded.io.netty.allocator.maxCachedBufferCapacity";
    /** What {@link #allocator()} sets it to: 2 MiB, above gRPC's largest message buffer (1 MiB). */
    static final int MAX_CACHED_BUFFER_BYTES = 2 << 20;
    /** gRPC's pool chunks: 8 KiB pages, order 8 (2 MiB chunks). */
    private static final int MAX_ORDER = 8;

    /**
     * Freed buffers of one size each thread keeps: 512, so that a flow-control window of 64 KiB receive buffers
     * (16 MiB / 64 KiB = 256) or of their 128 KiB cumulations is kept whole (Netty's default is 64). A cache holds
     * only buffers that were in use at once, so this bounds it by the bytes in flight, not by 512 times a size.
     */
    private static final int NORMAL_CACHE_SIZE = 512;

    private static ByteBufAllocator allocator;

    private NettyTuning() {
    }

    /**
     * @return the process's allocator for dml4j's gRPC servers and channels (made on the first call)
     */
    static synchronized ByteBufAllocator allocator() {
        if (allocator == null) {
            if (System.getProperty(MAX_CACHED_BUFFER_PROP_NAME) == null) {
                System.setProperty(MAX_CACHED_BUFFER_PROP_NAME, Integer.toString(MAX_CACHED_BUFFER_BYTES));
            }
            allocator = new PooledByteBufAllocator(true, PooledByteBufAllocator.defaultNumHeapArena(),
                    PooledByteBufAllocator.defaultNumDirectArena(), PooledByteBufAllocator.defaultPageSize(),
                    MAX_ORDER, PooledByteBufAllocator.defaultSmallCacheSize(),
                    NORMAL_CACHE_SIZE, true);
        }
        return allocator;
    }
}
