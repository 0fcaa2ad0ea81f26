package org.dml4j.data;

import java.nio.file.Path;
import java.util.Objects;
import org.dml4j.core.Dml4jException;

/**
 * A data file is truncated, malformed or inconsistent. The message names the file and the byte offset where the
 * problem was found (for text formats also the 1-based line number), so that a user can inspect the bytes with
 * {@code xxd -s OFFSET FILE} or {@code sed -n LINEp FILE}. For gzip-compressed files the offset counts bytes of the
 * decompressed stream ({@code zcat FILE | xxd -s OFFSET}); the message says so.
 *
 * <p>Immutable and thread-safe.
 */
public class CorruptDataException extends Dml4jException {
    private static final long serialVersionUID = 1L;

    /** The file or resource concerned. */
    private final String file;
    /** 1-based line number, or -1. */
    private final long line;
    /** Byte offset of the problem, or -1. */
    private final long byteOffset;

    /**
     * @param file       the file concerned
     * @param byteOffset byte offset of the problem, -1 if unknown
     * @param detail     what is wrong there
     */
    public CorruptDataException(Path file, long byteOffset, String detail) {
        this(String.valueOf(file), -1, byteOffset, false, detail, null);
    }

    /**
     * @param file         the file (or resource) concerned, as it should appear in the message
     * @param line         1-based line number for text formats, -1 otherwise
     * @param byteOffset   byte offset of the problem, -1 if unknown
     * @param decompressed whether the offset counts bytes of a decompressed (gzip) stream
     * @param detail       what is wrong there
     * @param cause        the underlying failure, or null
     */
    public CorruptDataException(String file, long line, long byteOffset, boolean decompressed, String detail,
                                Throwable cause) {
        super(format(file, line, byteOffset, decompressed, detail), cause);
        this.file = file;
        this.line = line;
        this.byteOffset = byteOffset;
    }

    private static String format(String file, long line, long byteOffset, boolean decompressed, String detail) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(detail, "detail");
        StringBuilder sb = new StringBuilder("corrupt data file ").append(file);
        if (line > 0) {
            sb.append(" at line ").append(line).append(byteOffset >= 0 ? "," : "");
        }
        if (byteOffset >= 0) {
            sb.append(line > 0 ? " byte offset " : " at byte offset ").append(byteOffset);
            if (decompressed) {
                sb.append(" (of the decompressed stream)");
            }
        }
        return sb.append(": ").append(detail).toString();
    }

    /** @return the file (or resource) concerned, as shown in the message */
    public String file() {
        return file;
    }

    /** @return the 1-based line number of the problem in a text file, or -1 */
    public long line() {
        return line;
    }

    /** @return the byte offset of the problem, or -1 when unknown */
    public long byteOffset() {
        return byteOffset;
    }
}
