package org.dml4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Sequential reader over a data file that may be gzip-compressed (detected by the magic bytes {@code 1f 8b}, not by
 * the file name). It counts the bytes it hands out, so format errors can name the exact offset; for a gzipped file
 * that is the offset in the decompressed stream.
 *
 * <p>One instance per reading thread; not thread-safe.
 */
final class ByteReader implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final String source;
    private final boolean gzipped;
    private final InputStream in;
    private final long sizeHint;
    private long position;

    private ByteReader(String source, boolean gzipped, InputStream in, long sizeHint) {
        this.source = source;
        this.gzipped = gzipped;
        this.in = in;
        this.sizeHint = sizeHint;
    }

    /**
     * @param file the file to read
     * @return a reader positioned at the first (decompressed) byte
     * @throws IOException when the file cannot be opened
     */
    static ByteReader open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return open(raw, file.toString(), file);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * @param stream the bytes (closed with the reader)
     * @param source how to name them in messages (a resource name)
     * @return a reader positioned at the first (decompressed) byte
     * @throws IOException when the stream cannot be read
     */
    static ByteReader open(InputStream stream, String source) throws IOException {
        return open(stream, source, null);
    }

    private static ByteReader open(InputStream stream, String source, Path file) throws IOException {
        InputStream raw = new BufferedInputStream(stream, BUFFER);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            long isize = file == null ? -1 : gzipTrailerSize(file);
            try {
                return new ByteReader(source, true, new GZIPInputStream(raw, BUFFER), isize);
            } catch (ZipException | EOFException e) {
                throw new CorruptDataException(source, -1, 0, false, "bad gzip header: " + e.getMessage(), e);
            }
        }
        return new ByteReader(source, false, raw, file == null ? -1 : Files.size(file));
    }

    /** Reads the ISIZE field of a gzip trailer: the uncompressed size modulo 2^32, or -1 when the file is too short. */
    private static long gzipTrailerSize(Path file) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            if (size < 18) {
                return -1;
            }
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.position(size - 4);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // keep reading
            }
            return b.hasRemaining() ? -1 : Integer.toUnsignedLong(b.getInt(0));
        }
    }

    /**
     * Whether the whole (decompressed) stream is probably {@code total} bytes long: the file size for a plain file,
     * the gzip trailer's size modulo 2^32 for a gzipped one. Readers preallocate only when this holds, so a corrupt
     * header cannot make them allocate gigabytes before finding the truncation.
     */
    boolean probablyHasLength(long total) {
        return gzipped ? sizeHint == (total & 0xFFFFFFFFL) : sizeHint == total;
    }

    /** @return the file or resource being read, as named in messages */
    String source() {
        return source;
    }

    /** @return whether the file is gzip-compressed */
    boolean gzipped() {
        return gzipped;
    }

    /** @return bytes handed out so far (decompressed bytes for a gzipped file) */
    long position() {
        return position;
    }

    /**
     * @param offset a byte offset in the (decompressed) stream
     * @param detail what is wrong there
     * @return an exception naming this file and the offset
     */
    CorruptDataException corrupt(long line, long offset, String detail) {
        return new CorruptDataException(source, line, offset, gzipped, detail, null);
    }

    /**
     * @param offset a byte offset in the (decompressed) stream
     * @param detail what is wrong there
     * @return an exception naming this file and the offset
     */
    CorruptDataException corrupt(long offset, String detail) {
        return new CorruptDataException(source, -1, offset, gzipped, detail, null);
    }

    /**
     * Reads up to {@code len} bytes, fewer only at the end of the stream.
     *
     * @return the number of bytes read
     */
    int readUpTo(byte[] b, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = readSome(b, off + n, len - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /** One read of the underlying stream, at most {@code len} bytes; -1 at the end. */
    private int readSome(byte[] b, int off, int len) throws IOException {
        int r;
        try {
            r = in.read(b, off, len);
        } catch (EOFException | ZipException e) {
            throw corrupt(position, "gzip stream is truncated or damaged (" + e.getMessage() + ")");
        }
        if (r > 0) {
            position += r;
        }
        return r;
    }

    /**
     * Reads exactly {@code len} bytes.
     *
     * @param what what the bytes are, for the message ("pixels of image 17")
     * @throws CorruptDataException naming the offset where the file ended
     */
    void readFully(byte[] b, int off, int len, String what) throws IOException {
        long start = position;
        int n = readUpTo(b, off, len);
        if (n < len) {
            throw corrupt(position, "file is truncated: expected " + len + " bytes of " + what + " from offset "
                    + start + ", found only " + n);
        }
    }

    /** Reads a big-endian 32-bit integer. */
    int readIntBigEndian(String what) throws IOException {
        byte[] b = new byte[4];
        readFully(b, 0, 4, what);
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /**
     * Checks that the stream has ended.
     *
     * @throws CorruptDataException naming the offset of the first unexpected byte
     */
    void expectEnd(String expected) throws IOException {
        byte[] one = new byte[1];
        long at = position;
        if (readUpTo(one, 0, 1) > 0) {
            throw corrupt(at, "unexpected trailing data after " + expected);
        }
    }

    /** @return all remaining bytes (the array may be longer; see {@link #position()} for the count read) */
    byte[] readAll() throws IOException {
        long hint = sizeHint < 0 ? BUFFER * 4L : gzipped ? Math.max(sizeHint, BUFFER) : sizeHint + 1;
        byte[] buf = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(16, Math.min(hint, 1L << 28)))];
        int len = 0;
        while (true) {
            if (len == buf.length) {
                if (buf.length >= Integer.MAX_VALUE - 16) {
                    throw corrupt(position, "file is larger than 2 GiB, which this reader does not support");
                }
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, (long) buf.length * 2));
            }
            int r = readUpTo(buf, len, buf.length - len);
            if (r == 0) {
                return len == buf.length ? buf : Arrays.copyOf(buf, len);
            }
            len += r;
        }
    }

    /**
     * @return a view of the remaining bytes as a stream; reading it advances {@link #position()}, and a damaged gzip
     *         stream surfaces as a {@link CorruptDataException} naming the offset
     */
    InputStream asStream() {
        return new InputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                return readUpTo(one, 0, 1) == 1 ? one[0] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return readSome(b, off, len);
            }
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
