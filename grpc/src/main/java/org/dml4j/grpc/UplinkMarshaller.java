package org.dml4j.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.dml4j.grpc.proto.Chunk;
import org.dml4j.grpc.proto.FederationGrpc;
import org.dml4j.grpc.proto.SubmitAck;
import org.dml4j.grpc.proto.Uplink;

/**
 * The coordinator's parser of {@code Submit}'s {@link Uplink} messages: the same protobuf bytes on the wire
 * (dml4j_federation.proto, unchanged), read with one copy of a chunk's data instead of three.
 *
 * <p>gRPC's protobuf marshaller copies a received message out of Netty's buffers into a per-thread array, and
 * protobuf's parser then copies a {@code bytes} field out of that array into a new {@link ByteString}. A chunk
 * message has one layout in protobuf's serialisation, {@code 0x12 len [0x08 offset] 0x12 dataLen data}: this
 * parser reads those few header bytes, checks that the lengths account for every byte of the message, and reads the
 * data straight from gRPC's buffers into the one array the chunk keeps, taken from the coordinator's {@link ChunkArrays}. Anything else (a reply header, a chunk with
 * fields in another order or with unknown fields, a malformed message) is read whole and parsed by protobuf, so every
 * message means what protobuf says it means, and a malformed one is refused with protobuf's error.
 */
final class UplinkMarshaller implements MethodDescriptor.Marshaller<Uplink> {
    /** {@code Uplink.chunk} (field 2) and {@code Chunk.data} (field 2): length-delimited. */
    private static final int LEN_FIELD_2 = 0x12;
    /** {@code Chunk.offset} (field 1): varint. */
    private static final int VARINT_FIELD_1 = 0x08;
    /** Longest header: tag, 5-byte length, tag, 10-byte offset, tag, 5-byte length. */
    private static final int MAX_HEAD_BYTES = 23;

    private final MethodDescriptor.Marshaller<Uplink> proto = ProtoUtils.marshaller(Uplink.getDefaultInstance());
    private final ChunkArrays arrays;

    UplinkMarshaller(ChunkArrays arrays) {
        this.arrays = arrays;
    }

    /**
     * @param service the coordinator's service, as generated
     * @param arrays  where a chunk's data array comes from (given back by the service once the update is decoded)
     * @return the same service, whose {@code Submit} parses its messages with this marshaller
     */
    static ServerServiceDefinition withChunkParser(ServerServiceDefinition service, ChunkArrays arrays) {
        MethodDescriptor<Uplink, SubmitAck> submit = FederationGrpc.getSubmitMethod().toBuilder()
                .setRequestMarshaller(new UplinkMarshaller(arrays)).build();
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            if (m.getMethodDescriptor().getFullMethodName().equals(submit.getFullMethodName())) {
                @SuppressWarnings("unchecked")
                ServerCallHandler<Uplink, SubmitAck> h = (ServerCallHandler<Uplink, SubmitAck>) m.getServerCallHandler();
                b.addMethod(submit, h);
            } else {
                b.addMethod(m);
            }
        }
        return b.build();
    }

    @Override
    public InputStream stream(Uplink value) {
        return proto.stream(value);
    }

    @Override
    public Uplink parse(InputStream in) {
        try {
            if (in instanceof KnownLength) {
                int total = in.available();
                byte[] head = new byte[Math.min(total, MAX_HEAD_BYTES)];
                readFully(in, head, 0, head.length);
                long[] layout = chunkLayout(head, head.length, total);
                if (layout != null) {
                    int start = (int) layout[1];
                    int length = total - start;
                    byte[] data = arrays.take(length);
                    int inHead = head.length - start;
                    System.arraycopy(head, start, data, 0, inHead);
                    readFully(in, data, inHead, length - inHead);
                    return chunk(layout[0], UnsafeByteOperations.unsafeWrap(data, 0, length));
                }
                byte[] all = Arrays.copyOf(head, total);
                readFully(in, all, head.length, total - head.length);
                return Uplink.parseFrom(all);
            }
            byte[] all = in.readAllBytes();
            long[] layout = chunkLayout(all, all.length, all.length);
            if (layout != null) {
                int start = (int) layout[1];
                return chunk(layout[0], UnsafeByteOperations.unsafeWrap(all, start, all.length - start));
            }
            return Uplink.parseFrom(all);
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read a Submit message: " + e.getMessage()).withCause(e)
                    .asRuntimeException();
        }
    }

    private static Uplink chunk(long offset, ByteString data) {
        return Uplink.newBuilder().setChunk(Chunk.newBuilder().setOffset(offset).setData(data)).build();
    }

    /**
     * Reads a chunk message's header the way protobuf serialises it.
     *
     * @param b     the message's first bytes
     * @param have  how many of them there are
     * @param total the message's length
     * @return {offset, where the data starts} when the message is one chunk field holding an optional offset and
     *     then the data, which runs to the message's end; null otherwise
     */
    static long[] chunkLayout(byte[] b, int have, int total) {
        int[] pos = {0};
        if (have < 1 || (b[0] & 0xFF) != LEN_FIELD_2) {
            return null;
        }
        pos[0] = 1;
        long chunkLen = varint(b, have, pos, 5);
        if (pos[0] < 0 || chunkLen != total - pos[0]) {
            return null;
        }
        long offset = 0;
        if (pos[0] < have && (b[pos[0]] & 0xFF) == VARINT_FIELD_1) {
            pos[0]++;
            offset = varint(b, have, pos, 10);
            if (pos[0] < 0) {
                return null;
            }
        }
        if (pos[0] >= have || (b[pos[0]] & 0xFF) != LEN_FIELD_2) {
            return null;
        }
        pos[0]++;
        long dataLen = varint(b, have, pos, 5);
        if (pos[0] < 0 || dataLen != total - pos[0]) {
            return null;
        }
        return new long[] {offset, pos[0]};
    }

    /**
     * @param maxBytes 5 for a length (then at most 2^31 - 1), 10 for an int64
     * @return the varint at {@code pos[0]} (advanced past it); -1 with {@code pos[0] = -1} when it is malformed,
     *     runs past {@code have}, or is a length out of range
     */
    private static long varint(byte[] b, int have, int[] pos, int maxBytes) {
        long v = 0;
        for (int i = 0; i < maxBytes; i++) {
            int p = pos[0] + i;
            if (p >= have) {
                break;
            }
            v |= (long) (b[p] & 0x7F) << (7 * i);
            if ((b[p] & 0x80) == 0) {
                if (maxBytes == 5 && v > Integer.MAX_VALUE) {
                    break;
                }
                pos[0] = p + 1;
                return v;
            }
        }
        pos[0] = -1;
        return -1;
    }

    private static void readFully(InputStream in, byte[] into, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(into, off, len);
            if (n < 0) {
                throw new IOException("the message ended " + len + " bytes early");
            }
            off += n;
            len -= n;
        }
    }
}
