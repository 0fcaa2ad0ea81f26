package org.dml4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.KnownLength;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.dml4j.grpc.proto.Chunk;
import org.dml4j.grpc.proto.ReplyHeader;
import org.dml4j.grpc.proto.Uplink;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's Submit parser reads every message as protobuf does: the same {@link Uplink} for every chunk,
 * header and odd but valid encoding, the same refusal for malformed bytes, whether gRPC hands it a stream of known
 * length (read in pieces of any size) or not.
 */
class UplinkMarshallerTest {
    private final UplinkMarshaller m = new UplinkMarshaller(new ChunkArrays(1 << 20, 4));

    /** A stream of known length, like gRPC's, whose reads return at most {@code step} bytes. */
    private static final class Known extends ByteArrayInputStream implements KnownLength {
        private final int step;

        Known(byte[] b, int step) {
            super(b);
            this.step = step;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, step));
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private List<InputStream> streams(byte[] wire) {
        return List.of(new Known(wire, Integer.MAX_VALUE), new Known(wire, 1), new Known(wire, 7),
                new ByteArrayInputStream(wire));
    }

    private void assertParsedAsProtobuf(byte[] wire) throws InvalidProtocolBufferException {
        Uplink expected = Uplink.parseFrom(wire);
        for (InputStream in : streams(wire)) {
            Uplink got = m.parse(in);
            assertEquals(expected, got, in.getClass().getSimpleName());
            assertEquals(expected.getChunk().getData(), got.getChunk().getData());
        }
    }

    private static Uplink chunk(long offset, byte[] data) {
        return Uplink.newBuilder().setChunk(Chunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(data)))
                .build();
    }

    @Test
    void chunksOfEverySizeAndOffsetAreReadAsProtobufReadsThem() throws Exception {
        List<Uplink> msgs = new ArrayList<>();
        for (int n : new int[] {0, 1, 2, 5, 22, 23, 24, 127, 128, 16_383, 16_384, 1 << 20}) {
            for (long off : new long[] {0, 1, 127, 128, 1L << 20, 3L << 30, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
                msgs.add(chunk(off, bytes(n, n + off)));
            }
        }
        for (Uplink u : msgs) {
            byte[] wire = u.toByteArray();
            assertParsedAsProtobuf(wire);
            if (u.getChunk().getData().size() > 0) {
                assertNotNull(UplinkMarshaller.chunkLayout(wire, Math.min(wire.length, 23), wire.length),
                        "protobuf's own encoding of a chunk takes the direct path");
            }
        }
    }

    @Test
    void headersAndOtherValidEncodingsFallBackToProtobuf() throws Exception {
        Uplink header = Uplink.newBuilder().setHeader(ReplyHeader.newBuilder().setParticipant(3).setTaskId(9)
                .setOk(true).setUpdateBytes(1 << 20).setCrc32C(0xCAFE)).build();
        assertParsedAsProtobuf(header.toByteArray());
        assertParsedAsProtobuf(new byte[0]);
        byte[] data = bytes(300, 5);
        // data before offset; an explicit offset 0; an unknown field after the data; two chunk fields (merged)
        byte[] reordered = Uplink.newBuilder().setChunk(Chunk.newBuilder().setData(ByteString.copyFrom(data)))
                .build().toByteArray();
        byte[] inner = Chunk.newBuilder().setData(ByteString.copyFrom(data)).build().toByteArray();
        byte[] innerThenOffset = concat(inner, new byte[] {0x08, 0x05});
        assertParsedAsProtobuf(concat(new byte[] {0x12, (byte) (innerThenOffset.length & 0x7F | 0x80),
                (byte) (innerThenOffset.length >> 7)}, innerThenOffset));
        byte[] explicitZero = concat(new byte[] {0x08, 0x00}, inner);
        assertParsedAsProtobuf(concat(new byte[] {0x12, (byte) (explicitZero.length & 0x7F | 0x80),
                (byte) (explicitZero.length >> 7)}, explicitZero));
        Chunk withUnknown = Chunk.newBuilder().setOffset(4).setData(ByteString.copyFrom(data))
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(9, UnknownFieldSet.Field.newBuilder()
                        .addVarint(77).build()).build()).build();
        byte[] unknownWire = Uplink.newBuilder().setChunk(withUnknown).build().toByteArray();
        assertNull(UplinkMarshaller.chunkLayout(unknownWire, 23, unknownWire.length));
        assertParsedAsProtobuf(unknownWire);
        assertEquals(withUnknown, m.parse(new Known(unknownWire, 3)).getChunk());
        assertParsedAsProtobuf(concat(reordered, chunk(8, bytes(10, 6)).toByteArray()));
    }

    @Test
    void malformedBytesAreRefusedAsProtobufRefusesThem() {
        byte[] good = chunk(1 << 20, bytes(1000, 7)).toByteArray();
        List<byte[]> bad = new ArrayList<>();
        bad.add(Arrays.copyOf(good, good.length - 1)); // truncated data
        bad.add(Arrays.copyOf(good, 4)); // truncated header
        bad.add(new byte[] {0x12, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
        byte[] longOffset = new byte[15];
        longOffset[0] = 0x12;
        longOffset[1] = 13;
        longOffset[2] = 0x08;
        Arrays.fill(longOffset, 3, 15, (byte) 0x80); // an 11-byte varint
        bad.add(longOffset);
        for (byte[] wire : bad) {
            assertThrows(InvalidProtocolBufferException.class, () -> Uplink.parseFrom(wire));
            for (InputStream in : streams(wire)) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> m.parse(in));
                assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
