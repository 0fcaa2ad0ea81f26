package org.dml4j.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * A byte string held as a sequence of segments, with a {@code long} length: the form in which {@link UpdateCodec}
 * writes and reads encodings longer than the largest Java array (2 GiB - 8 bytes), and in which a transport hands
 * over the chunks it received without copying them into one array. Segments may have any sizes, and a value of the
 * encoding may straddle two of them.
 *
 * <p>Immutable and thread-safe, provided that the memory of the segments is not changed once handed over (they are
 * wrapped, not copied). {@link #segment} returns independent read-only views.
 */
public final class SegmentedBytes {
    /** The largest byte array a JVM allocates ({@link #toByteArray()} refuses longer strings). */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final SegmentedBytes EMPTY = new SegmentedBytes(new ByteBuffer[0], 0);
    private final ByteBuffer[] segments;
    private final long length;

    private SegmentedBytes(ByteBuffer[] segments, long length) {
        this.segments = segments;
        this.length = length;
    }

    /**
     * @param bytes one array (wrapped, not copied)
     * @return the bytes as one segment
     */
    public static SegmentedBytes wrap(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new SegmentedBytes(new ByteBuffer[] {ByteBuffer.wrap(bytes)}, bytes.length);
    }

    /**
     * @param segments buffers whose bytes from position to limit, in order, make up the string (wrapped, not copied;
     *                 empty ones are dropped)
     * @return the concatenation
     */
    public static SegmentedBytes of(List<ByteBuffer> segments) {
        Objects.requireNonNull(segments, "segments");
        ByteBuffer[] segs = new ByteBuffer[segments.size()];
        int n = 0;
        long len = 0;
        for (ByteBuffer b : segments) {
            Objects.requireNonNull(b, "segment");
            if (b.hasRemaining()) {
                segs[n++] = b.slice().asReadOnlyBuffer();
                len += segs[n - 1].remaining();
            }
        }
        return n == 0 ? EMPTY : new SegmentedBytes(java.util.Arrays.copyOf(segs, n), len);
    }

    /** Segments built by the codec's writer, handed over. */
    static SegmentedBytes own(ByteBuffer[] segments, long length) {
        return new SegmentedBytes(segments, length);
    }

    /** @return the number of bytes */
    public long length() {
        return length;
    }

    /** @return the number of (non-empty) segments */
    public int segmentCount() {
        return segments.length;
    }

    /**
     * @param i segment index
     * @return a read-only view of segment {@code i}, position 0, big-endian (the buffer default)
     */
    public ByteBuffer segment(int i) {
        return segments[Objects.checkIndex(i, segments.length)].asReadOnlyBuffer().rewind();
    }

    /** Little-endian read-only views of every segment, position 0, for the codec's reader. */
    ByteBuffer[] littleEndianViews() {
        ByteBuffer[] out = new ByteBuffer[segments.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = segments[i].asReadOnlyBuffer().rewind().order(ByteOrder.LITTLE_ENDIAN);
        }
        return out;
    }

    /**
     * @return the bytes as one new array
     * @throws IllegalStateException when they are longer than {@link #MAX_ARRAY}
     */
    public byte[] toByteArray() {
        if (length > MAX_ARRAY) {
            throw new IllegalStateException(length + " bytes do not fit in one array (at most " + MAX_ARRAY + ")");
        }
        byte[] out = new byte[(int) length];
        int at = 0;
        for (ByteBuffer s : segments) {
            ByteBuffer v = s.duplicate().rewind();
            int n = v.remaining();
            v.get(out, at, n);
            at += n;
        }
        return out;
    }
}
