package org.dml4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsGoldenValuesWithLabelLastScaleAndGzip() throws Exception {
        // Prepare: two samples of 3 features, label last, CRLF line ends and a blank line
        String csv = "0,8,16,3\r\n\r\n4, 2.5 ,-1e1,0\r\n";
        Path plain = TestFiles.write(dir.resolve("a.csv"), csv);
        Path gz = TestFiles.write(dir.resolve("a.csv.gz"), TestFiles.gzip(csv.getBytes()));

        // Execute
        Dataset a = CsvReader.read(plain, "a", CsvFormat.of(-1, 0.5f));
        Dataset b = CsvReader.read(gz, "b", CsvFormat.of(-1, 0.5f));

        // Assert: features times 0.5, classes inferred as max label + 1
        for (Dataset d : new Dataset[] {a, b}) {
            assertEquals(2, d.size());
            assertEquals(4, d.numClasses());
            assertArrayEquals(new int[] {3}, d.sampleShape());
            assertArrayEquals(new int[] {3, 0}, d.labels());
            float[] x = new float[6];
            d.copyFeatures(0, x, 0);
            d.copyFeatures(1, x, 3);
            assertArrayEquals(new float[] {0f, 4f, 8f, 2f, 1.25f, -5f}, x);
        }
    }

    @Test
    void labelColumnFirstHeaderDelimiterAndShapeAreConfigurable() throws Exception {
        // Prepare
        Path file = TestFiles.write(dir.resolve("b.tsv"), "label\tp0\tp1\tp2\tp3\n1\t1\t2\t3\t4\n0\t5\t6\t7\t8\n");
        CsvFormat fmt = CsvFormat.of(0, 1f).withHeader(true).withDelimiter('\t').withSampleShape(1, 2, 2)
                .withNumClasses(5);

        // Execute
        Dataset d = CsvReader.read(file, "b", fmt);

        // Assert
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertArrayEquals(new int[] {1, 2, 2}, d.sampleShape());
        assertEquals(5, d.numClasses());
        float[] x = new float[4];
        d.copyFeatures(1, x, 0);
        assertArrayEquals(new float[] {5, 6, 7, 8}, x);
    }

    @Test
    void nonNumberNamesFileLineAndByteOffset() {
        // Prepare: line 3 starts at byte 16; its second field "x2" starts at byte 18
        String csv = "1,2,3,0\n4,5,6,1\n7,x2,9,1\n";
        Path file = TestFiles.write(dir.resolve("bad.csv"), csv);

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> CsvReader.read(file, "bad", CsvFormat.of(-1, 1f)));

        // Assert
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 3, byte offset 18"), e.getMessage());
        assertTrue(e.getMessage().contains("'x2'"), e.getMessage());
        assertEquals(3, e.line());
        assertEquals(18, e.byteOffset());
    }

    @Test
    void wrongColumnCountAndBadLabelsAreReported() {
        // Prepare
        Path shortLine = TestFiles.write(dir.resolve("short.csv"), "1,2,3,0\n4,5,1\n");
        Path negative = TestFiles.write(dir.resolve("neg.csv"), "1,2,3,0\n4,5,6,-1\n");
        Path fraction = TestFiles.write(dir.resolve("frac.csv"), "1,2,3,0.5\n");

        // Execute
        CorruptDataException a = assertThrows(CorruptDataException.class,
                () -> CsvReader.read(shortLine, "s", CsvFormat.of(-1, 1f)));
        CorruptDataException b = assertThrows(CorruptDataException.class,
                () -> CsvReader.read(negative, "n", CsvFormat.of(-1, 1f)));
        CorruptDataException c = assertThrows(CorruptDataException.class,
                () -> CsvReader.read(fraction, "f", CsvFormat.of(-1, 1f)));

        // Assert
        assertTrue(a.getMessage().contains("line 2, byte offset 13") && a.getMessage().contains("found 3"),
                a.getMessage());
        assertTrue(b.getMessage().contains("line 2, byte offset 14") && b.getMessage().contains("'-1'"),
                b.getMessage());
        assertTrue(c.getMessage().contains("line 1, byte offset 6"), c.getMessage());
    }

    @Test
    void truncatedGzipIsReported() {
        // Prepare: a gzipped CSV cut in half
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append(i % 17).append(',').append(i % 13).append(',').append(i % 10).append('\n');
        }
        byte[] gz = TestFiles.gzip(sb.toString().getBytes());
        Path file = TestFiles.write(dir.resolve("cut.csv.gz"), Arrays.copyOf(gz, gz.length / 2));

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> CsvReader.read(file, "cut", CsvFormat.of(-1, 1f)));

        // Assert
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("byte offset")
                && e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void bundledDigitsHold1797Samples() throws Exception {
        // Prepare
        InputStream in = CsvReaderTest.class.getResourceAsStream("/org/dml4j/data/digits.csv.gz");

        // Execute
        Dataset d = CsvReader.read(in, "digits.csv.gz", "digits", CsvFormat.DIGITS);

        // Assert: first sample of scikit-learn's digits is a 0 whose third pixel is 5/16
        assertEquals(1797, d.size());
        assertEquals(10, d.numClasses());
        assertArrayEquals(new int[] {1, 8, 8}, d.sampleShape());
        assertEquals(0, d.label(0));
        float[] x = new float[64];
        d.copyFeatures(0, x, 0);
        assertEquals(5f / 16f, x[2]);
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, d.labelHistogram());
    }
}
