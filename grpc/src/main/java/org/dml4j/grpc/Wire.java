package org.dml4j.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
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
     * Cuts a payload into chunks.
     *
     * @param payload    the bytes
     * @param chunkBytes largest chunk
     * @param sink       receives the chunks in order
     */
    public static void chunks(byte[] payload, int chunkBytes, Consumer<Chunk> sink) {
        for (int off = 0; off < payload.length; off += chunkBytes) {
            int len = Math.min(chunkBytes, payload.length - off);
            sink.accept(Chunk.newBuilder().setOffset(off).setData(ByteString.copyFrom(payload, off, len)).build());
        }
    }

    /** Puts a payload announced by a header back together; not thread-safe (one per payload). */
    public static final class Assembler {
        private final byte[] buffer;
        private final int crc;
        private final int chunkBytes;
        private int filled;

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
            if (declaredBytes > maxBytes || declaredBytes > Integer.MAX_VALUE - 8) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("payload of " + declaredBytes
                        + " bytes is over the limit of " + maxBytes + " bytes").asRuntimeException();
            }
            this.buffer = new byte[(int) declaredBytes];
            this.crc = crc;
            this.chunkBytes = chunkBytes;
        }

        /**
         * @param c the next chunk
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
            if (len > buffer.length - filled) {
                throw Status.INVALID_ARGUMENT.withDescription("chunks run past the declared " + buffer.length
                        + " bytes").asRuntimeException();
            }
            c.getData().copyTo(buffer, filled);
            filled += len;
        }

        /** @return whether every declared byte arrived */
        public boolean complete() {
            return filled == buffer.length;
        }

        /**
         * @return the payload
         * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when bytes are missing or the checksum differs
         */
        public byte[] payload() {
            if (!complete()) {
                throw Status.INVALID_ARGUMENT.withDescription("payload ended after " + filled + " of "
                        + buffer.length + " bytes").asRuntimeException();
            }
            if (crc32c(buffer) != crc) {
                throw Status.DATA_LOSS.withDescription("payload checksum mismatch (CRC-32C)").asRuntimeException();
            }
            return buffer;
        }
    }
}
