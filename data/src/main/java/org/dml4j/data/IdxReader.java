package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: big-endian magic {@code 00 00 TYPE RANK}, {@code RANK} 32-bit
 * dimension sizes, then the data. Only unsigned bytes ({@code TYPE = 0x08}) are supported, which is what every IDX
 * data set in use ships. Files may be gzip-compressed or not; compression is detected from the magic bytes.
 *
 * <p>Image files ({@code idx3}: count, rows, columns) become samples of shape {@code {1, rows, cols}} with pixels
 * scaled to {@code [0, 1]} by dividing by 255; a rank-2 file (count, features) gives shape {@code {features}}, a
 * rank-4 file (count, c, h, w) gives {@code {c, h, w}}. Label files ({@code idx1}) hold one byte per sample.
 *
 * <p>Stateless and thread-safe. Reading streams the file in 64 KiB blocks; the 60,000 Fashion-MNIST training images
 * load in a few hundred milliseconds.
 */
public final class IdxReader {
    /** IDX type code of unsigned bytes. */
    public static final int TYPE_UBYTE = 0x08;
    private static final float[] SCALE_255 = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE_255[i] = i / 255f;
        }
    }

    private IdxReader() {
    }

    /**
     * Reads an image file and its label file into one data set.
     *
     * @param images     the image file ({@code idx3-ubyte}, gzipped or not)
     * @param labels     the label file ({@code idx1-ubyte}, gzipped or not)
     * @param name       the data set's name ("fashion-mnist/train")
     * @param numClasses number of classes; every label must be below it
     * @return the data set
     * @throws IOException          when a file cannot be read
     * @throws CorruptDataException when a file is malformed or truncated, or the two counts disagree
     */
    public static Dataset read(Path images, Path labels, String name, int numClasses) throws IOException {
        Objects.requireNonNull(name, "name");
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        Images img = readImages(images);
        int[] lab = readLabels(labels);
        if (lab.length != img.count()) {
            throw new CorruptDataException(labels, 4, "label file holds " + lab.length + " labels but image file "
                    + images + " holds " + img.count() + " images");
        }
        for (int i = 0; i < lab.length; i++) {
            if (lab[i] >= numClasses) {
                throw new CorruptDataException(labels, 8 + i, "label of sample " + i + " is " + lab[i]
                        + ", not below the " + numClasses + " classes of " + name);
            }
        }
        return Dataset.adopt(name, img.pixels(), lab, img.sampleShape(), numClasses);
    }

    /**
     * The content of an IDX image file.
     *
     * @param count       number of samples
     * @param sampleShape shape of one sample ({@code {1, rows, cols}} for rank-3 files)
     * @param pixels      {@code count * prod(sampleShape)} values in {@code [0, 1]}, row-major; owned by the caller
     */
    public record Images(int count, int[] sampleShape, float[] pixels) {
        /** Checks the sizes agree. */
        public Images {
            Objects.requireNonNull(sampleShape, "sampleShape");
            Objects.requireNonNull(pixels, "pixels");
            long fs = 1;
            for (int d : sampleShape) {
                fs *= d;
            }
            if (fs * count != pixels.length) {
                throw new IllegalArgumentException("pixels.length must be count * " + fs + ", got " + pixels.length);
            }
        }
    }

    /**
     * @param file an IDX file of unsigned bytes with rank 2, 3 or 4, gzipped or not
     * @return its samples scaled to {@code [0, 1]}
     * @throws IOException          when the file cannot be read
     * @throws CorruptDataException when the file is malformed or truncated
     */
    public static Images readImages(Path file) throws IOException {
        try (ByteReader in = ByteReader.open(file)) {
            int[] dims = header(in, 2, 4);
            int count = dims[0];
            int[] shape = switch (dims.length) {
                case 2 -> new int[] {dims[1]};
                case 3 -> new int[] {1, dims[1], dims[2]};
                default -> new int[] {dims[1], dims[2], dims[3]};
            };
            long fs = 1;
            for (int d : shape) {
                fs *= d;
            }
            long total = fs * count;
            if (total > Integer.MAX_VALUE - 16) {
                throw in.corrupt(4, "dimensions " + Arrays.toString(dims) + " give " + total
                        + " values, more than a Java array holds");
            }
            long headerBytes = 4 + 4L * dims.length;
            float[] pixels = new float[(int) (in.probablyHasLength(headerBytes + total) ? total
                    : Math.min(total, 1 << 22))];
            byte[] buf = new byte[1 << 16];
            int done = 0;
            while (done < total) {
                int n = (int) Math.min(buf.length, total - done);
                if (done + n > pixels.length) {
                    pixels = Arrays.copyOf(pixels, (int) Math.min(total, Math.max(done + n,
                            2L * pixels.length)));
                }
                long at = in.position();
                int got = in.readUpTo(buf, 0, n);
                if (got < n) {
                    long sample = (done + got) / fs;
                    throw in.corrupt(at + got, "file is truncated: the header announces " + count + " samples of "
                            + fs + " bytes (" + (total + 4 + 4L * dims.length) + " bytes in all) but the data ends"
                            + " inside sample " + sample);
                }
                for (int j = 0; j < n; j++) {
                    pixels[done + j] = SCALE_255[buf[j] & 0xff];
                }
                done += n;
            }
            in.expectEnd(count + " samples");
            return new Images(count, shape, pixels);
        }
    }

    /**
     * @param file an IDX rank-1 file of unsigned bytes, gzipped or not
     * @return the labels
     * @throws IOException          when the file cannot be read
     * @throws CorruptDataException when the file is malformed or truncated
     */
    public static int[] readLabels(Path file) throws IOException {
        try (ByteReader in = ByteReader.open(file)) {
            int count = header(in, 1, 1)[0];
            byte[] b = new byte[in.probablyHasLength(8L + count) ? count : Math.min(count, 1 << 20)];
            int got = in.readUpTo(b, 0, b.length);
            while (got == b.length && b.length < count) {
                int more = Math.min(count - b.length, b.length);
                b = Arrays.copyOf(b, b.length + more);
                got += in.readUpTo(b, got, more);
            }
            if (got < count) {
                throw in.corrupt(8 + got, "file is truncated: the header announces " + count
                        + " labels but only " + got + " follow");
            }
            in.expectEnd(count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = b[i] & 0xff;
            }
            return labels;
        }
    }

    /** Reads and checks the magic number and dimension sizes. */
    private static int[] header(ByteReader in, int minRank, int maxRank) throws IOException {
        byte[] magic = new byte[4];
        int got = in.readUpTo(magic, 0, 4);
        if (got < 4) {
            throw in.corrupt(got, "file is truncated: an IDX file starts with a 4-byte magic number, found "
                    + got + " bytes");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw in.corrupt(0, String.format("not an IDX file: magic number starts with %02x %02x, expected 00 00",
                    magic[0] & 0xff, magic[1] & 0xff));
        }
        if ((magic[2] & 0xff) != TYPE_UBYTE) {
            throw in.corrupt(2, String.format("unsupported IDX data type 0x%02x; only unsigned bytes (0x08) are"
                    + " supported", magic[2] & 0xff));
        }
        int rank = magic[3] & 0xff;
        if (rank < minRank || rank > maxRank) {
            throw in.corrupt(3, "IDX rank " + rank + " where " + (minRank == maxRank ? String.valueOf(minRank)
                    : minRank + " to " + maxRank) + " was expected (idx1 = labels, idx3 = images)");
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            long at = in.position();
            dims[i] = in.readIntBigEndian("the IDX header");
            if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
                throw in.corrupt(at, "dimension " + i + " of the IDX header is " + dims[i]);
            }
        }
        return dims;
    }
}
