package org.dml4j.grpc;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The coordinator's arrays for received chunk data, reused from one upload to the next instead of allocated for
 * every chunk.
 *
 * <p>Why: an upload of {@code U} bytes used to allocate {@code U} bytes of fresh 1 MiB arrays while it was arriving.
 * Those arrays stay alive until the update is decoded, so a young collection that falls during an upload copies
 * every chunk received so far, and on the two-core machine such a pause was longer than the upload itself
 * (benchmarks/UPLOAD.md). An array is taken for each chunk as it is parsed ({@link UplinkMarshaller}) and given back
 * once the update has been decoded ({@link UpdateCodec} copies every value out of the chunks; no decoded update
 * refers to them) or refused.
 *
 * <p>Arrays are all {@code arrayBytes} long (the run's chunk size); a longer request is allocated and not kept.
 * At most {@code maxKept} arrays are kept, each through a {@link SoftReference}, so the collector may take them back
 * whenever memory is short: reuse never costs an {@link OutOfMemoryError}. An array that is never given back (a
 * broken stream, a bug) is simply garbage.
 *
 * @see UplinkMarshaller
 */
final class ChunkArrays {
    private final int arrayBytes;
    private final int maxKept;
    private final ConcurrentLinkedDeque<SoftReference<byte[]>> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger kept = new AtomicInteger();

    /**
     * @param arrayBytes length of every kept array (the largest chunk)
     * @param maxKept    most arrays kept
     */
    ChunkArrays(int arrayBytes, int maxKept) {
        if (arrayBytes < 1 || maxKept < 0) {
            throw new IllegalArgumentException("arrayBytes must be >= 1 and maxKept >= 0, got " + arrayBytes + ", "
                    + maxKept);
        }
        this.arrayBytes = arrayBytes;
        this.maxKept = maxKept;
    }

    /**
     * @param length bytes needed
     * @return an array of {@code max(length, arrayBytes)} bytes; its contents are undefined
     */
    byte[] take(int length) {
        if (length <= arrayBytes) {
            SoftReference<byte[]> r;
            while ((r = free.pollFirst()) != null) {
                kept.decrementAndGet();
                byte[] a = r.get();
                if (a != null) {
                    return a;
                }
            }
        }
        return new byte[Math.max(length, arrayBytes)];
    }

    /**
     * Takes back the array behind a chunk's data, to be reused. The caller guarantees that nothing reads
     * {@code data} (or a view of it) afterwards.
     *
     * @param data a chunk's data as the coordinator parsed it
     */
    void give(ByteString data) {
        if (data.isEmpty()) {
            return;
        }
        try {
            UnsafeByteOperations.unsafeWriteTo(data, new ByteOutput() {
                @Override
                public void write(byte value) {
                }

                @Override
                public void write(byte[] value, int offset, int length) {
                }

                @Override
                public void writeLazy(byte[] value, int offset, int length) {
                    keep(value);
                }

                @Override
                public void write(ByteBuffer value) {
                }

                @Override
                public void writeLazy(ByteBuffer value) {
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the output above throws nothing
        }
    }

    private void keep(byte[] a) {
        if (a.length != arrayBytes) {
            return;
        }
        if (kept.incrementAndGet() <= maxKept) {
            free.addFirst(new SoftReference<>(a));
        } else {
            kept.decrementAndGet();
        }
    }

    /** @return arrays kept now (some may have been taken back by the collector) */
    int kept() {
        return kept.get();
    }
}
