package org.dml4j.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.dml4j.compress.SegmentedBytes;
import org.dml4j.grpc.proto.Chunk;

/**
 * What both sides of the wire share: the schema version, the metadata keys, and cutting a payload into
 * {@link Chunk}s and putting it back together with every length, offset and checksum checked.
 */
public final class Wire {
    /** Version of {@code dml4j_federation.proto} this code speaks; a Join with another version is refused. */
    public static final int SCHEMA_VERSION = 1;
    /** Default chunk size: 1 MiB, a quarter of gRPC's default 4 MiB message limit. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;
    /**
     * System property: the HTTP/2 flow-control window in bytes of both sides' streams and connections. The window
     * bounds the bytes in flight on one stream; at gRPC's default (1 MiB, one chunk) a sender waits a round trip
     * (the receiver's WINDOW_UPDATE) after every chunk, and an upload runs at a fraction of what the link carries.
     */
    public static final String FLOW_CONTROL_WINDOW_PROP_NAME = "dml4j.grpc.flowControlWindow";
    /** Default of {@link #FLOW_CONTROL_WINDOW_PROP_NAME}: 16 MiB, sixteen default chunks in flight. */
    public static final int FLOW_CONTROL_WINDOW_DEFAULT = 16 << 20;
    /** Metadata key naming the calling participant. */
    public static final Metadata.Key<String> PARTICIPANT =
            Metadata.Key.of("dml4j-participant", Metadata.ASCII_STRING_MARSHALLER);
    /** Metadata key of the bearer token. */
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private Wire() {
    }

    /**
     * @param payload bytes
     * @return their CRC-32C as an unsigned 32-bit value in an int
     */
    public static int crc32c(byte[] payload) {
        CRC32C c = new CRC32C();
        c.update(payload);
        return (int) c.getValue();
    }

    /**
     * @return the flow-control window: {@link #FLOW_CONTROL_WINDOW_PROP_NAME}, else
     *     {@link #FLOW_CONTROL_WINDOW_DEFAULT}
     * @throws IllegalArgumentException when the property is not an integer in [64 KiB, 1 GiB]
     */
    public static int flowControlWindow() {
        String v = System.getProperty(FLOW_CONTROL_WINDOW_PROP_NAME);
        if (v == null) {
            return FLOW_CONTROL_WINDOW_DEFAULT;
        }
        int w;
        try {
            w = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FLOW_CONTROL_WINDOW_PROP_NAME + " must be an integer, got '" + v + "'");
        }
        if (w < 64 << 10 || w > 1 << 30) {
            throw new IllegalArgumentException(FLOW_CONTROL_WINDOW_PROP_NAME + " must be in [65536, 1073741824] bytes,"
                    + " got " + w);
        }
        return w;
    }

    /**
     * Cuts a payload into chunks. The chunks share the payload's memory (no copy), so the payload must not change
     * while they are in use.
     *
     * @param payload    the bytes
     * @param chunkBytes largest chunk
     * @param sink       receives the chunks in order
     */
    public static void chunks(byte[] payload, int chunkBytes, Consumer<Chunk> sink) {
        for (int off = 0; off < payload.length; off += chunkBytes) {
            int len = Math.min(chunkBytes, payload.length - off);
            sink.accept(Chunk.newBuilder().setOffset(off).setData(UnsafeByteOperations.unsafeWrap(payload, off, len))
                    .build());
        }
    }

    /**
     * Cuts a segmented payload into chunks of at most {@code chunkBytes}, sharing its memory (no copy); the segments
     * of {@link org.dml4j.compress.UpdateCodec#encodeSegmented} with {@code chunkBytes} segments are one chunk each.
     *
     * @param payload    the bytes
     * @param chunkBytes largest chunk
     * @param sink       receives the chunks in order
     */
    public static void chunks(SegmentedBytes payload, int chunkBytes, Consumer<Chunk> sink) {
        long off = 0;
        for (int i = 0; i < payload.segmentCount(); i++) {
            ByteBuffer seg = payload.segment(i);
            while (seg.hasRemaining()) {
                int len = Math.min(chunkBytes, seg.remaining());
                ByteBuffer piece = seg.slice(seg.position(), len);
                seg.position(seg.position() + len);
                sink.accept(Chunk.newBuilder().setOffset(off).setData(UnsafeByteOperations.unsafeWrap(piece)).build());
                off += len;
            }
        }
    }

    /**
     * @param payload bytes in segments
     * @return their CRC-32C as an unsigned 32-bit value in an int
     */
    public static int crc32c(SegmentedBytes payload) {
        CRC32C c = new CRC32C();
        for (int i = 0; i < payload.segmentCount(); i++) {
            c.update(payload.segment(i));
        }
        return (int) c.getValue();
    }

    /**
     * Puts a payload announced by a header back together; not thread-safe (one per payload). Lengths and offsets are
     * {@code long} throughout, and the chunks are kept as they arrived (no copy into one array): {@link #bytes()}
     * hands them to the codec as {@link SegmentedBytes}, so a payload longer than 2 GiB is taken in, checked and
     * decoded like any other. The CRC-32C is computed as chunks arrive. Memory grows a chunk at a time as chunks
     * arrive, never for a length that was only declared.
     */
    public static final class Assembler {
        private final long declared;
        private final int expectedCrc;
        private final int chunkBytes;
        private final List<ByteBuffer> chunks = new ArrayList<>();
        private final CRC32C crc = new CRC32C();
        private long filled;

        /**
         * @param declaredBytes the header's length
         * @param maxBytes      the most this side accepts
         * @param crc           the header's CRC-32C
         * @param chunkBytes    the largest chunk accepted
         * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED over the limit, INVALID_ARGUMENT when negative
         */
        public Assembler(long declaredBytes, long maxBytes, int crc, int chunkBytes) {
            if (declaredBytes < 0) {
                throw Status.INVALID_ARGUMENT.withDescription("payload length must be >= 0, got " + declaredBytes)
                        .asRuntimeException();
            }
            if (declaredBytes > maxBytes) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("payload of " + declaredBytes
                        + " bytes is over the limit of " + maxBytes + " bytes").asRuntimeException();
            }
            this.declared = declaredBytes;
            this.expectedCrc = crc;
            this.chunkBytes = chunkBytes;
        }

        /**
         * @param c the next chunk (its bytes are kept, not copied)
         * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT on a gap, overlap, oversize chunk or overflow
         */
        public void add(Chunk c) {
            int len = c.getData().size();
            if (c.getOffset() != filled) {
                throw Status.INVALID_ARGUMENT.withDescription("chunk at offset " + c.getOffset() + ", expected "
                        + filled).asRuntimeException();
            }
            if (len > chunkBytes) {
                throw Status.INVALID_ARGUMENT.withDescription("chunk of " + len + " bytes is over the chunk size "
                        + chunkBytes).asRuntimeException();
            }
            if (len > declared - filled) {
                throw Status.INVALID_ARGUMENT.withDescription("chunks run past the declared " + declared
                        + " bytes").asRuntimeException();
            }
            if (len == 0) {
                return;
            }
            ByteBuffer data = c.getData().asReadOnlyByteBuffer();
            crc.update(data.duplicate());
            chunks.add(data);
            filled += len;
        }

        /** @return whether every declared byte arrived */
        public boolean complete() {
            return filled == declared;
        }

        /** @return the declared length */
        public long length() {
            return declared;
        }

        /**
         * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when bytes are missing, DATA_LOSS when the checksum
         *                                        differs
         */
        public void verify() {
            if (!complete()) {
                throw Status.INVALID_ARGUMENT.withDescription("payload ended after " + filled + " of " + declared
                        + " bytes").asRuntimeException();
            }
            if ((int) crc.getValue() != expectedCrc) {
                throw Status.DATA_LOSS.withDescription("payload checksum mismatch (CRC-32C)").asRuntimeException();
            }
        }

        /**
         * @return the payload, checked ({@link #verify()}), as the chunks it arrived in
         * @throws io.grpc.StatusRuntimeException as {@link #verify()}
         */
        public SegmentedBytes bytes() {
            verify();
            return SegmentedBytes.of(chunks);
        }

        /**
         * @return the payload, checked ({@link #verify()}), copied into one array
         * @throws io.grpc.StatusRuntimeException as {@link #verify()}, and RESOURCE_EXHAUSTED for a payload longer
         *                                        than one array (use {@link #bytes()})
         */
        public byte[] payload() {
            verify();
            if (declared > SegmentedBytes.MAX_ARRAY) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("payload of " + declared + " bytes is longer than"
                        + " one array").asRuntimeException();
            }
            return SegmentedBytes.of(chunks).toByteArray();
        }
    }
}
