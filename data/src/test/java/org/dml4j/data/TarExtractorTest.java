package org.dml4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarExtractorTest {
    @TempDir
    Path dir;

    @Test
    void extractsOnlyEntriesUnderThePrefix() throws Exception {
        // Prepare
        byte[] big = new byte[1300];
        Arrays.fill(big, (byte) 7);
        Path tgz = TestFiles.write(dir.resolve("a.tar.gz"), TestFiles.gzip(TestFiles.tar(
                new String[] {"top/readme.html", "top/batches/one.bin", "top/batches/two.bin"},
                new byte[][] {"hi".getBytes(), big, "2".getBytes()})));

        // Execute
        List<Path> written = TarExtractor.extract(tgz, "top/batches/", dir.resolve("out"));

        // Assert
        assertEquals(List.of(dir.resolve("out/one.bin"), dir.resolve("out/two.bin")), written);
        assertArrayEquals(big, Files.readAllBytes(dir.resolve("out/one.bin")));
        assertEquals("2", Files.readString(dir.resolve("out/two.bin")));
        assertFalse(Files.exists(dir.resolve("out/readme.html")));
    }

    @Test
    void refusesEntriesThatLeaveTheTargetFolder() {
        // Prepare
        Path tar = TestFiles.write(dir.resolve("evil.tar"), TestFiles.tar(new String[] {"p/../../evil.txt"},
                new byte[][] {"x".getBytes()}));

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> TarExtractor.extract(tar, "p/", dir.resolve("out")));

        // Assert
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("evil.txt")));
    }

    @Test
    void truncatedArchiveNamesTheOffset() {
        // Prepare: one 1,000-byte entry, cut 100 bytes into its data
        byte[] tar = TestFiles.tar(new String[] {"p/a.bin"}, new byte[][] {new byte[1000]});
        Path cut = TestFiles.write(dir.resolve("cut.tar"), Arrays.copyOf(tar, 612));

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> TarExtractor.extract(cut, "p/", dir.resolve("out")));

        // Assert
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("byte offset 612"),
                e.getMessage());
    }
}
