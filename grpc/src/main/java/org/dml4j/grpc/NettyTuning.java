package org.dml4j.grpc;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;

/**
 * How dml4j's gRPC transport sets up Netty: the coordinator's server ({@link #serverBuilder}: its cumulation of
 * received bytes and its threads), and the buffer allocator the server and the participants' channels use in place
 * of gRPC's own.
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

    /**
     * A received buffer of at least this many bytes joins the HTTP/2 decoder's cumulation as one more component
     * instead of being copied into it; smaller ones are copied (so a peer sending tiny TCP segments cannot make the
     * cumulation a list of thousands of components).
     */
    static final int COMPOSE_MIN_BYTES = 4096;

    /**
     * The HTTP/2 decoder's cumulation of received bytes. Netty's default (merge) copies the whole of every read into
     * the cumulation whenever the last one ended inside a frame, which on a stream of 16 KiB DATA frames is nearly
     * every read: one more copy of every byte received on the event loop. This composes instead (see
     * {@link #COMPOSE_MIN_BYTES}).
     */
    static ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        return in.readableBytes() >= COMPOSE_MIN_BYTES
                ? ByteToMessageDecoder.COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in)
                : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    }

    /**
     * The coordinator's server: plaintext or TLS (mutual, client certificates required, when the files name a client
     * CA), this class's allocator and cumulation, and calls run on the transport's own threads
     * ({@code directExecutor}: each message is parsed and handled on the event loop that read it, without two thread
     * hand-offs per message; the handlers never block there, and the work that takes long, the check and decoding of
     * a complete update, is handed to another thread by the caller).
     *
     * <p>The cumulation is set through gRPC's {@code InternalProtocolNegotiators} (gRPC's internal API, public for
     * its own packages; the version is pinned by the build, and TlsServerTest and the deployment tests cover both
     * negotiators): gRPC offers no other way to reach its HTTP/2 decoder.
     *
     * @param at  where to listen
     * @param tls the server's TLS files, or none
     * @return the builder, to which the caller adds its services and limits
     */
    static NettyServerBuilder serverBuilder(InetSocketAddress at, Security.TlsFiles tls) {
        InternalProtocolNegotiator.ProtocolNegotiator negotiator;
        if (tls.enabled()) {
            if (tls.certChain() == null) {
                throw new IllegalArgumentException("a TLS server needs a certificate and key, got only trust = "
                        + tls.trustedCa());
            }
            try {
                SslContextBuilder b = GrpcSslContexts.forServer(tls.certChain().toFile(), tls.privateKey().toFile());
                if (tls.trustedCa() != null) {
                    b.trustManager(tls.trustedCa().toFile()).clientAuth(ClientAuth.REQUIRE);
                }
                negotiator = InternalProtocolNegotiators.serverTls(b.build());
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot use the server's TLS files " + tls.certChain() + ", "
                        + tls.privateKey() + ": " + e.getMessage(), e);
            }
        } else {
            negotiator = InternalProtocolNegotiators.serverPlaintext();
        }
        return NettyServerBuilder.forAddress(at)
                .protocolNegotiator(composing(negotiator))
                .withOption(ChannelOption.ALLOCATOR, allocator())
                .withChildOption(ChannelOption.ALLOCATOR, allocator())
                .directExecutor();
    }

    /** @return {@code negotiator}, whose connections' HTTP/2 decoders cumulate with {@link #cumulate} */
    private static InternalProtocolNegotiator.ProtocolNegotiator composing(
            InternalProtocolNegotiator.ProtocolNegotiator negotiator) {
        return new InternalProtocolNegotiator.ProtocolNegotiator() {
            @Override
            public AsciiString scheme() {
                return negotiator.scheme();
            }

            @Override
            public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
                grpcHandler.setCumulator(NettyTuning::cumulate);
                return negotiator.newHandler(grpcHandler);
            }

            @Override
            public void close() {
                negotiator.close();
            }
        };
    }
}
