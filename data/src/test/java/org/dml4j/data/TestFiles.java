package org.dml4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Writers for small files in the real formats (IDX, CIFAR-10 binary, tar), used by the reader and store tests. */
final class TestFiles {
    private TestFiles() {
    }

    /** IDX header + unsigned bytes: magic 00 00 08 rank, then big-endian dimension sizes. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    /** {@code count} images of rows x cols whose pixel j of image i is {@code (i * 31 + j * 7) % 256}. */
    static byte[] idxImages(int count, int rows, int cols) {
        byte[] px = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < rows * cols; j++) {
                px[i * rows * cols + j] = (byte) pixel(i, j);
            }
        }
        return idx(new int[] {count, rows, cols}, px);
    }

    static int pixel(int i, int j) {
        return (i * 31 + j * 7) % 256;
    }

    /** Labels {@code i % classes}. */
    static byte[] idxLabels(int count, int classes) {
        byte[] l = new byte[count];
        for (int i = 0; i < count; i++) {
            l[i] = (byte) (i % classes);
        }
        return idx(new int[] {count}, l);
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, String text) {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes an MNIST-style set of four gzipped IDX files into {@code dir}: {@code nTrain} training and
     * {@code nTest} test images of 28 x 28 pixels.
     */
    static Path idxSet(Path dir, int nTrain, int nTest, boolean gz) {
        String ext = gz ? ".gz" : "";
        byte[][] files = {idxImages(nTrain, 28, 28), idxLabels(nTrain, 10), idxImages(nTest, 28, 28),
            idxLabels(nTest, 10)};
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"};
        for (int i = 0; i < 4; i++) {
            write(dir.resolve(names[i] + ext), gz ? gzip(files[i]) : files[i]);
        }
        return dir;
    }

    /** CIFAR-10 records: label {@code labels[r]}, pixel j of record r is {@code (r + j) % 256}. */
    static byte[] cifar(int[] labels) {
        byte[] b = new byte[labels.length * CifarReader.RECORD_BYTES];
        for (int r = 0; r < labels.length; r++) {
            int off = r * CifarReader.RECORD_BYTES;
            b[off] = (byte) labels[r];
            for (int j = 0; j < 3072; j++) {
                b[off + 1 + j] = (byte) ((r + j) % 256);
            }
        }
        return b;
    }

    /** A POSIX ustar archive of regular files (name, content pairs), ended by two zero blocks. */
    static byte[] tar(String[] names, byte[][] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < names.length; i++) {
            byte[] h = new byte[512];
            byte[] n = names[i].getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, h, 0, n.length);
            putOctal(h, 100, 8, 0644);
            putOctal(h, 108, 8, 0);
            putOctal(h, 116, 8, 0);
            putOctal(h, 124, 12, contents[i].length);
            putOctal(h, 136, 12, 0);
            h[156] = '0';
            System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
            h[263] = '0';
            h[264] = '0';
            Arrays.fill(h, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte x : h) {
                sum += x & 0xff;
            }
            putOctal(h, 148, 7, sum);
            out.writeBytes(h);
            out.writeBytes(contents[i]);
            int pad = (512 - contents[i].length % 512) % 512;
            out.writeBytes(new byte[pad]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void putOctal(byte[] h, int off, int len, long v) {
        String s = String.format("%0" + (len - 1) + "o", v);
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
        h[off + len - 1] = 0;
    }
}
