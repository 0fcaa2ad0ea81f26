package org.dml4j.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.compress.SegmentedBytes;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.grpc.proto.Chunk;
import org.junit.jupiter.api.Test;

/** Chunking and reassembly: offsets, lengths and checksums checked; kept chunks decoded across their boundaries. */
class WireTest {
    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static List<Chunk> chunks(byte[] payload, int size) {
        List<Chunk> out = new ArrayList<>();
        Wire.chunks(payload, size, out::add);
        return out;
    }

    private static void assertCode(Status.Code code, Runnable r) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, r::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }

    @Test
    void chunksGoBackTogetherAndTheChecksumIsChecked() {
        byte[] p = bytes(10_000, 1);
        Wire.Assembler a = new Wire.Assembler(p.length, p.length, Wire.crc32c(p), 1024);
        for (Chunk c : chunks(p, 1024)) {
            assertTrue(!a.complete());
            a.add(c);
        }
        assertArrayEquals(p, a.payload());
        Wire.Assembler bad = new Wire.Assembler(p.length, p.length, Wire.crc32c(p) ^ 4, 1024);
        chunks(p, 1024).forEach(bad::add);
        assertCode(Status.Code.DATA_LOSS, bad::payload);
        Wire.Assembler shortOne = new Wire.Assembler(p.length, p.length, Wire.crc32c(p), 1024);
        chunks(p, 1024).subList(0, 3).forEach(shortOne::add);
        assertCode(Status.Code.INVALID_ARGUMENT, shortOne::payload);
        assertArrayEquals(new byte[0], new Wire.Assembler(0, 10, Wire.crc32c(new byte[0]), 1024).payload());
    }

    @Test
    void gapsOverlapsOversizeChunksAndOverrunsAreRefused() {
        byte[] p = bytes(4096, 2);
        List<Chunk> cs = chunks(p, 1024);
        Wire.Assembler gap = new Wire.Assembler(p.length, p.length, Wire.crc32c(p), 1024);
        gap.add(cs.get(0));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> gap.add(cs.get(2)));
        Wire.Assembler overlap = new Wire.Assembler(p.length, p.length, Wire.crc32c(p), 1024);
        overlap.add(cs.get(0));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> overlap.add(cs.get(0)));
        // an offset past 2^32 is a gap, not an int that wrapped around to 0
        Wire.Assembler far = new Wire.Assembler(p.length, p.length, Wire.crc32c(p), 1024);
        assertCode(Status.Code.INVALID_ARGUMENT, () -> far.add(cs.get(0).toBuilder().setOffset(1L << 32).build()));
        Wire.Assembler big = new Wire.Assembler(p.length, p.length, Wire.crc32c(p), 512);
        assertCode(Status.Code.INVALID_ARGUMENT, () -> big.add(cs.get(0)));
        Wire.Assembler over = new Wire.Assembler(1000, p.length, 0, 1024);
        assertCode(Status.Code.INVALID_ARGUMENT, () -> over.add(cs.get(0)));
        assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> new Wire.Assembler(5000, 4096, 0, 1024));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> new Wire.Assembler(-1, 4096, 0, 1024));
    }

    @Test
    void chunksAreKeptAsSegmentsThatTheCodecDecodesAcrossTheirBoundaries() {
        // Prepare: a dense update cut into 1,000-byte chunks (4 does not divide 1,000 + 12: values straddle them)
        float[] v = new float[2_999];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f - 700;
        }
        SegmentedBytes enc = UpdateCodec.encodeSegmented(new DenseUpdate(v), 1_000);
        List<Chunk> cs = new ArrayList<>();
        Wire.chunks(enc, 1_000, cs::add);
        Wire.Assembler a = new Wire.Assembler(enc.length(), 1L << 40, Wire.crc32c(enc), 1_000);
        // Execute
        cs.forEach(a::add);
        SegmentedBytes got = a.bytes();
        // Assert: one segment per chunk, no copy into one array, and the update reads back
        assertEquals(cs.size(), got.segmentCount());
        assertEquals(12 + 4 * 2_999, got.length());
        assertArrayEquals(v, UpdateCodec.decode(got, v.length).toDense());
        assertArrayEquals(enc.toByteArray(), a.payload());
        Wire.Assembler corrupt = new Wire.Assembler(enc.length(), 1L << 40, Wire.crc32c(enc), 1_000);
        for (Chunk c : cs) {
            if (c.getOffset() == 2_000) {
                byte[] d = c.getData().toByteArray();
                d[5] ^= 1;
                c = c.toBuilder().setData(ByteString.copyFrom(d)).build();
            }
            corrupt.add(c);
        }
        assertCode(Status.Code.DATA_LOSS, corrupt::bytes);
    }
}
