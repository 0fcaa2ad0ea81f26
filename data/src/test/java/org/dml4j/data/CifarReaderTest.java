package org.dml4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRecordsChannelsFirstAcrossFiles() throws Exception {
        // Prepare: two batch files, one gzipped
        Path a = TestFiles.write(dir.resolve("data_batch_1.bin"), TestFiles.cifar(new int[] {3, 9}));
        Path b = TestFiles.write(dir.resolve("data_batch_2.bin"), TestFiles.gzip(TestFiles.cifar(new int[] {0})));

        // Execute
        Dataset d = CifarReader.read(List.of(a, b), "cifar10/train");

        // Assert: pixel j of record r is (r + j) % 256; record 0 of file 2 follows the two of file 1
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {3, 32, 32}, d.sampleShape());
        assertArrayEquals(new int[] {3, 9, 0}, d.labels());
        float[] x = new float[3072];
        d.copyFeatures(1, x, 0);
        assertEquals(1 / 255f, x[0]);
        assertEquals((1 + 1024) % 256 / 255f, x[1024]); // first green value
        assertEquals((1 + 3071) % 256 / 255f, x[3071]);
        d.copyFeatures(2, x, 0);
        assertEquals(0f, x[0]);
    }

    @Test
    void truncatedRecordNamesFileAndOffset() {
        // Prepare: two records, the second cut short
        byte[] two = TestFiles.cifar(new int[] {1, 2});
        Path file = TestFiles.write(dir.resolve("test_batch.bin"), Arrays.copyOf(two, two.length - 100));

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> CifarReader.read(List.of(file), "t"));

        // Assert: the truncated record starts at 3073
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset 3073") && e.getMessage().contains("truncated"),
                e.getMessage());
    }

    @Test
    void labelAboveNineIsReportedAtItsRecord() {
        // Prepare: record 1 holds label 57 (a CIFAR-100 fine label, say)
        byte[] b = TestFiles.cifar(new int[] {1, 57, 2});
        Path file = TestFiles.write(dir.resolve("bad.bin"), b);

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> CifarReader.read(List.of(file), "t"));

        // Assert
        assertTrue(e.getMessage().contains("byte offset 3073") && e.getMessage().contains("57"), e.getMessage());
    }
}
