package org.dml4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.junit.jupiter.api.Test;

class ChunkArraysTest {
    @Test
    void arraysGivenBackAreTakenAgainUpToTheLimit() {
        ChunkArrays pool = new ChunkArrays(16, 2);
        byte[] a = pool.take(16);
        byte[] b = pool.take(5);
        byte[] c = pool.take(16);
        assertEquals(16, a.length);
        assertEquals(16, b.length, "a short chunk gets a whole array");
        pool.give(UnsafeByteOperations.unsafeWrap(a, 0, 16));
        pool.give(UnsafeByteOperations.unsafeWrap(b, 0, 5));
        pool.give(UnsafeByteOperations.unsafeWrap(c, 0, 16));
        assertEquals(2, pool.kept(), "no more than maxKept");
        byte[] again = pool.take(16);
        assertSame(b, again, "the last given back comes first");
        assertSame(a, pool.take(3));
        assertNotSame(c, pool.take(16), "c was not kept");
        assertEquals(0, pool.kept());
    }

    @Test
    void otherArraysAreNotKept() {
        ChunkArrays pool = new ChunkArrays(16, 4);
        byte[] big = pool.take(40);
        assertEquals(40, big.length, "longer than an array: allocated, exactly");
        pool.give(UnsafeByteOperations.unsafeWrap(big));
        pool.give(ByteString.copyFrom(new byte[8]));
        pool.give(ByteString.EMPTY);
        assertEquals(0, pool.kept());
        pool.give(ByteString.copyFrom(new byte[16])); // a protobuf-parsed chunk's own array: safe to reuse
        assertEquals(1, pool.kept());
    }
}
