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

    /**
     * Puts a payload announced by a header back together; not thread-safe (one per payload). Lengths and offsets are
     * {@code long} throughout and the bytes are kept in segments, so a stream longer than 2 GiB is taken in and its
     * CRC-32C checked as it arrives; only {@link #payload()}, which hands the bytes to the codec as one array, is
     * bounded by the largest Java array. Memory is allocated a segment at a time as chunks arrive, never for a
     * length that was only declared.
     */
    public static final class Assembler {
        /** The largest payload {@link #payload()} returns: the largest byte array a JVM allocates. */
        public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
        private static final int SEGMENT_BYTES = 1 << 30;
        private final long declared;
        private final int expectedCrc;
        private final int chunkBytes;
        private final long maxArray;
        private final int segmentBytes;
        private final byte[][] segments;
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
            this(declaredBytes, maxBytes, crc, chunkBytes, MAX_ARRAY, SEGMENT_BYTES);
        }

        /** With the array bound and segment size given (tests use small ones). */
        Assembler(long declaredBytes, long maxBytes, int crc, int chunkBytes, long maxArray, int segmentBytes) {
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
            this.maxArray = maxArray;
            // one array when the payload fits in one (payload() hands it over without a copy), else segments
            this.segmentBytes = declaredBytes <= maxArray ? (int) Math.max(1, declaredBytes) : segmentBytes;
            this.segments = new byte[(int) ((declaredBytes + this.segmentBytes - 1) / this.segmentBytes)][];
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
            if (len > declared - filled) {
                throw Status.INVALID_ARGUMENT.withDescription("chunks run past the declared " + declared
                        + " bytes").asRuntimeException();
            }
            crc.update(c.getData().asReadOnlyByteBuffer());
            int from = 0;
            while (from < len) {
                int seg = (int) (filled / segmentBytes);
                int at = (int) (filled % segmentBytes);
                if (segments[seg] == null) {
                    segments[seg] = new byte[(int) Math.min(segmentBytes, declared - (long) seg * segmentBytes)];
                }
                int n = Math.min(len - from, segments[seg].length - at);
                c.getData().substring(from, from + n).copyTo(segments[seg], at);
                from += n;
                filled += n;
            }
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
         * @return the payload, checked ({@link #verify()})
         * @throws io.grpc.StatusRuntimeException as {@link #verify()}, and RESOURCE_EXHAUSTED for a whole, correct
         *                                        payload longer than one array (the codec decodes arrays)
         */
        public byte[] payload() {
            verify();
            if (declared == 0) {
                return new byte[0];
            }
            if (declared > maxArray) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("payload of " + declared + " bytes arrived whole"
                        + " (CRC-32C correct) but is over the " + maxArray + " bytes the update codec decodes")
                        .asRuntimeException();
            }
            return segments[0];
        }
    }
}
