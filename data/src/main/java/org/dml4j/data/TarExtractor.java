package org.dml4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Extracts regular files from a (gzipped) POSIX/ustar tar archive, enough for the CIFAR-10 download. Entries whose
 * names would leave the target folder ({@code ..}, absolute paths) are refused; links and devices are skipped.
 *
 * <p>Stateless and thread-safe.
 */
final class TarExtractor {
    private static final int BLOCK = 512;

    private TarExtractor() {
    }

    /**
     * @param archive the {@code .tar} or {@code .tar.gz} file (gzip detected from the magic bytes)
     * @param prefix  only entries whose name starts with this are extracted, with the prefix removed
     * @param target  the folder to extract into (created)
     * @return the files written
     * @throws IOException          when reading or writing fails
     * @throws CorruptDataException when the archive is malformed or truncated, naming the byte offset
     */
    static List<Path> extract(Path archive, String prefix, Path target) throws IOException {
        Files.createDirectories(target);
        Path root = target.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw;
            byte[] header = new byte[BLOCK];
            long offset = 0;
            String longName = null;
            while (true) {
                int got = in.readNBytes(header, 0, BLOCK);
                if (got == 0) {
                    break; // no end-of-archive blocks: tolerated, as GNU tar does
                }
                if (got < BLOCK) {
                    throw new CorruptDataException(archive.toString(), -1, offset, gz, "tar header truncated", null);
                }
                if (allZero(header)) {
                    break;
                }
                boolean fromLongName = longName != null;
                String name = fromLongName ? longName : string(header, 0, 100);
                longName = null;
                String magic = string(header, 257, 6);
                if (!fromLongName && magic.equals("ustar")) { // POSIX ustar; old GNU archives ("ustar  ") use these bytes otherwise
                    String pre = string(header, 345, 155);
                    if (!pre.isEmpty()) {
                        name = pre + "/" + name;
                    }
                }
                long size = octal(header, 124, 12, archive, offset, gz);
                char type = (char) header[156];
                long dataOffset = offset + BLOCK;
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (type == 'L') { // GNU long name: the data is the next entry's name
                    byte[] n = in.readNBytes((int) padded);
                    if (n.length < padded) {
                        throw truncated(archive, dataOffset + n.length, gz);
                    }
                    longName = string(n, 0, (int) size);
                } else if ((type == '0' || type == 0) && name.startsWith(prefix) && name.length() > prefix.length()) {
                    Path out = root.resolve(name.substring(prefix.length())).normalize();
                    if (!out.startsWith(root)) {
                        throw new CorruptDataException(archive.toString(), -1, offset, gz, "entry '" + name
                                + "' would be written outside " + root, null);
                    }
                    Files.createDirectories(out.getParent());
                    try (OutputStream os = Files.newOutputStream(out)) {
                        copy(in, os, size, archive, dataOffset, gz);
                    }
                    skip(in, padded - size, archive, dataOffset + size, gz);
                    written.add(out);
                } else {
                    skip(in, padded, archive, dataOffset, gz);
                }
                offset = dataOffset + padded;
            }
        }
        return written;
    }

    private static CorruptDataException truncated(Path archive, long offset, boolean gz) {
        return new CorruptDataException(archive.toString(), -1, offset, gz, "tar archive is truncated", null);
    }

    private static void copy(InputStream in, OutputStream out, long size, Path archive, long offset, boolean gz)
            throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw truncated(archive, offset + size - left, gz);
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void skip(InputStream in, long n, Path archive, long offset, boolean gz) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw truncated(archive, offset + n - left, gz);
                }
                s = 1;
            }
            left -= s;
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len, Path archive, long offset, boolean gz) {
        if ((b[off] & 0x80) != 0) { // GNU base-256 for sizes of 8 GiB and more
            long v = b[off] & 0x7f;
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (b[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        while (i < off + len && b[i] == ' ') {
            i++;
        }
        for (; i < off + len && b[i] != 0 && b[i] != ' '; i++) {
            if (b[i] < '0' || b[i] > '7') {
                throw new CorruptDataException(archive.toString(), -1, offset + i, gz,
                        "tar header holds a bad octal number", null);
            }
            v = v * 8 + (b[i] - '0');
        }
        return v;
    }
}
