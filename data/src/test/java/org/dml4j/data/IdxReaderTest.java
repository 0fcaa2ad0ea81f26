package org.dml4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRawAndGzippedFilesToTheSameGoldenValues() throws Exception {
        // Prepare: 3 images of 2 x 3 pixels, labels 0, 1, 2, once raw and once gzipped
        byte[] images = TestFiles.idxImages(3, 2, 3);
        byte[] labels = TestFiles.idxLabels(3, 10);
        Path rawImg = TestFiles.write(dir.resolve("img-idx3-ubyte"), images);
        Path rawLab = TestFiles.write(dir.resolve("lab-idx1-ubyte"), labels);
        Path gzImg = TestFiles.write(dir.resolve("img-idx3-ubyte.gz"), TestFiles.gzip(images));
        Path gzLab = TestFiles.write(dir.resolve("lab.bin"), TestFiles.gzip(labels)); // name says nothing

        // Execute
        Dataset raw = IdxReader.read(rawImg, rawLab, "raw", 10);
        Dataset gz = IdxReader.read(gzImg, gzLab, "gz", 10);

        // Assert: hand-computed pixel (i*31 + j*7) % 256 / 255, shape {1, 2, 3}
        for (Dataset d : new Dataset[] {raw, gz}) {
            assertEquals(3, d.size());
            assertArrayEquals(new int[] {1, 2, 3}, d.sampleShape());
            assertArrayEquals(new int[] {0, 1, 2}, d.labels());
            float[] x = new float[6];
            d.copyFeatures(2, x, 0);
            assertArrayEquals(new float[] {62 / 255f, 69 / 255f, 76 / 255f, 83 / 255f, 90 / 255f, 97 / 255f}, x);
        }
    }

    @Test
    void truncatedImageFileNamesFileAndOffset() {
        // Prepare: 3 images of 2 x 3 pixels (16 header + 18 data bytes), cut after 16 + 10 bytes
        byte[] images = TestFiles.idxImages(3, 2, 3);
        Path file = TestFiles.write(dir.resolve("cut-images-idx3-ubyte"), Arrays.copyOf(images, 26));

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.readImages(file));

        // Assert
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset 26"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(26, e.byteOffset());
    }

    @Test
    void truncatedGzipStreamIsReportedWithTheDecompressedOffset() {
        // Prepare: a gzipped image file cut in the middle of its compressed stream
        byte[] images = TestFiles.idxImages(200, 28, 28);
        byte[] gz = TestFiles.gzip(images);
        Path file = TestFiles.write(dir.resolve("cut-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.readImages(file));

        // Assert
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("(of the decompressed stream)"), e.getMessage());
        assertTrue(e.byteOffset() > 16 && e.byteOffset() < images.length, e.getMessage());
    }

    @Test
    void badMagicAndWrongRankAreNamed() {
        // Prepare
        Path text = TestFiles.write(dir.resolve("not-idx"), "hello world, not IDX");
        Path labelsAsImages = TestFiles.write(dir.resolve("labels-idx1-ubyte"), TestFiles.idxLabels(4, 10));

        // Execute
        CorruptDataException magic = assertThrows(CorruptDataException.class, () -> IdxReader.readImages(text));
        CorruptDataException rank = assertThrows(CorruptDataException.class,
                () -> IdxReader.readImages(labelsAsImages));

        // Assert
        assertTrue(magic.getMessage().contains("at byte offset 0") && magic.getMessage().contains("not an IDX"),
                magic.getMessage());
        assertTrue(rank.getMessage().contains("at byte offset 3") && rank.getMessage().contains("rank 1"),
                rank.getMessage());
    }

    @Test
    void truncatedLabelsTrailingBytesAndCountMismatchAreReported() {
        // Prepare
        byte[] labels = TestFiles.idxLabels(5, 10);
        Path cut = TestFiles.write(dir.resolve("cut-labels"), Arrays.copyOf(labels, 11));
        byte[] longer = Arrays.copyOf(labels, labels.length + 2);
        Path trailing = TestFiles.write(dir.resolve("long-labels"), longer);
        Path img = TestFiles.write(dir.resolve("img"), TestFiles.idxImages(4, 2, 2));
        Path lab = TestFiles.write(dir.resolve("lab"), labels);

        // Execute
        CorruptDataException c = assertThrows(CorruptDataException.class, () -> IdxReader.readLabels(cut));
        CorruptDataException t = assertThrows(CorruptDataException.class, () -> IdxReader.readLabels(trailing));
        CorruptDataException m = assertThrows(CorruptDataException.class, () -> IdxReader.read(img, lab, "x", 10));

        // Assert
        assertTrue(c.getMessage().contains("byte offset 11"), c.getMessage());
        assertTrue(t.getMessage().contains("byte offset 13") && t.getMessage().contains("trailing"),
                t.getMessage());
        assertTrue(m.getMessage().contains("5 labels") && m.getMessage().contains("4 images"), m.getMessage());
    }

    @Test
    void labelAboveTheClassCountIsRejected() {
        // Prepare: labels 0..4 with only 3 classes declared
        Path img = TestFiles.write(dir.resolve("img"), TestFiles.idxImages(5, 2, 2));
        Path lab = TestFiles.write(dir.resolve("lab"), TestFiles.idxLabels(5, 10));

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.read(img, lab, "x", 3));

        // Assert: sample 3 holds label 3, at byte 8 + 3
        assertTrue(e.getMessage().contains("byte offset 11") && e.getMessage().contains("label of sample 3 is 3"),
                e.getMessage());
    }

    @Test
    void realFashionMnistFilesReadWithTheirPublishedCounts() throws Exception {
        // Prepare: wherever the store finds Fashion-MNIST, fetching it on first use as a run does
        Path dir = DatasetStore.builder().log(System.err::println).build().fetch("fashion-mnist").path();

        // Execute
        Dataset train = IdxReader.read(Catalog.findIdx(dir, "train-images-idx3-ubyte"),
                Catalog.findIdx(dir, "train-labels-idx1-ubyte"), "fashion-mnist/train", 10);
        Dataset test = IdxReader.read(Catalog.findIdx(dir, "t10k-images-idx3-ubyte"),
                Catalog.findIdx(dir, "t10k-labels-idx1-ubyte"), "fashion-mnist/test", 10);

        // Assert
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.sampleShape());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000},
                train.labelHistogram());
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                test.labelHistogram());
    }
}
