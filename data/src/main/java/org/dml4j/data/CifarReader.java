package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads the CIFAR-10 binary format ({@code data_batch_1.bin} ... {@code test_batch.bin}): a sequence of 3,073-byte
 * records, each one label byte (0..9) followed by 3,072 pixel bytes, the 1,024 red values of a 32×32 image in row
 * order, then the green and the blue plane. Samples get shape {@code {3, 32, 32}} (channels first, as stored) and
 * values scaled to {@code [0, 1]}. Files may be gzip-compressed (detected from the magic bytes).
 *
 * <p>Stateless and thread-safe.
 */
public final class CifarReader {
    /** Bytes of one record: the label and 3 × 32 × 32 pixels. */
    public static final int RECORD_BYTES = 1 + 3 * 32 * 32;
    /** Number of CIFAR-10 classes. */
    public static final int NUM_CLASSES = 10;
    private static final int PIXELS = RECORD_BYTES - 1;
    private static final float[] SCALE_255 = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE_255[i] = i / 255f;
        }
    }

    private CifarReader() {
    }

    /**
     * Reads the batch files in the given order into one data set.
     *
     * @param files the batch files, e.g. {@code data_batch_1.bin} to {@code data_batch_5.bin}
     * @param name  the data set's name ("cifar10/train")
     * @return the data set, with samples in file order
     * @throws IOException          when a file cannot be read
     * @throws CorruptDataException when a file ends inside a record or holds a label above 9
     */
    public static Dataset read(List<Path> files, String name) throws IOException {
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(name, "name");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("files must not be empty");
        }
        float[] x = new float[0];
        int[] y = new int[0];
        int n = 0;
        byte[] rec = new byte[RECORD_BYTES];
        for (Path file : files) {
            try (ByteReader in = ByteReader.open(file)) {
                int fileRecords = 0;
                while (true) {
                    long at = in.position();
                    int got = in.readUpTo(rec, 0, RECORD_BYTES);
                    if (got == 0) {
                        break;
                    }
                    if (got < RECORD_BYTES) {
                        throw in.corrupt(at, "file is truncated: record " + fileRecords + " starts here but only "
                                + got + " of its " + RECORD_BYTES + " bytes follow (a CIFAR-10 record is 1 label"
                                + " byte + 3072 pixel bytes)");
                    }
                    int label = rec[0] & 0xff;
                    if (label >= NUM_CLASSES) {
                        throw in.corrupt(at, "label byte of record " + fileRecords + " is " + label
                                + ", not a CIFAR-10 class 0..9 (is this a CIFAR-100 file, or not record-aligned?)");
                    }
                    if (n == y.length) {
                        int cap = Math.max(10_000, n * 2);
                        y = Arrays.copyOf(y, cap);
                        x = Arrays.copyOf(x, Math.multiplyExact(cap, PIXELS));
                    }
                    y[n] = label;
                    int off = n * PIXELS;
                    for (int j = 0; j < PIXELS; j++) {
                        x[off + j] = SCALE_255[rec[1 + j] & 0xff];
                    }
                    n++;
                    fileRecords++;
                }
                if (fileRecords == 0) {
                    throw in.corrupt(0, "file is empty: expected CIFAR-10 records of " + RECORD_BYTES + " bytes");
                }
            }
        }
        return Dataset.adopt(name, n * PIXELS == x.length ? x : Arrays.copyOf(x, n * PIXELS),
                n == y.length ? y : Arrays.copyOf(y, n), new int[] {3, 32, 32}, NUM_CLASSES);
    }
}
