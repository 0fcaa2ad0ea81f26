package org.dml4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeafJsonReaderTest {
    @TempDir
    Path dir;

    /** Two users with rows of 4 values, in the key order LEAF writes. */
    static final String TWO_USERS = """
            {"users": ["f0001_22", "f0002_07"], "num_samples": [2, 1],
             "user_data": {"f0001_22": {"x": [[0.0, 0.25, 0.5, 1.0], [1, 1, 1, 1]], "y": [3, 61]},
                           "f0002_07": {"y": [0], "x": [[0.5, 0.5, 0.5, 0.5]]}},
             "hierarchies": []}
            """;

    @Test
    void readsSamplesAndTheNaturalPartition() throws Exception {
        // Prepare
        Path file = TestFiles.write(dir.resolve("all_data_0.json"), TWO_USERS);

        // Execute
        FederatedDataset fd = LeafJsonReader.read(file, "leaf", new LeafFormat(new int[] {1, 2, 2}, 62));

        // Assert
        Dataset d = fd.dataset();
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {1, 2, 2}, d.sampleShape());
        assertArrayEquals(new int[] {3, 61, 0}, d.labels());
        assertEquals(List.of("f0001_22", "f0002_07"), fd.clientIds());
        assertArrayEquals(new int[][] {{0, 1}, {2}}, fd.partition().clientIndices());
        float[] x = new float[4];
        d.copyFeatures(0, x, 0);
        assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 1f}, x);
    }

    @Test
    void readsSeveralFilesOneGzippedAndInfersShapeAndClasses() throws Exception {
        // Prepare
        Path a = TestFiles.write(dir.resolve("a.json"), TWO_USERS);
        Path b = TestFiles.write(dir.resolve("b.json.gz"), TestFiles.gzip("""
                {"users": ["f0003_01"], "num_samples": [1],
                 "user_data": {"f0003_01": {"x": [[9, 9, 9, 9]], "y": [7]}}}
                """.getBytes()));

        // Execute
        FederatedDataset fd = LeafJsonReader.read(List.of(a, b), "leaf", LeafFormat.FLAT);

        // Assert
        assertEquals(4, fd.dataset().size());
        assertArrayEquals(new int[] {4}, fd.dataset().sampleShape());
        assertEquals(62, fd.dataset().numClasses());
        assertArrayEquals(new int[] {3}, fd.partition().indices(2));
        assertEquals("f0003_01", fd.clientIds().get(2));
    }

    @Test
    void truncatedJsonNamesFileAndOffset() {
        // Prepare: the file cut inside the second user's data
        String cut = TWO_USERS.substring(0, TWO_USERS.indexOf("[0.5, 0.5") + 5);
        Path file = TestFiles.write(dir.resolve("cut.json"), cut);

        // Execute
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> LeafJsonReader.read(file, "leaf", LeafFormat.FLAT));

        // Assert
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset") && e.getMessage().contains("JSON"), e.getMessage());
        assertTrue(e.byteOffset() >= cut.length() - 5 && e.byteOffset() <= cut.length(), e.getMessage());
    }

    @Test
    void inconsistentContentIsReportedAtItsToken() {
        // Prepare
        String badCount = TWO_USERS.replace("[2, 1]", "[2, 5]");
        String badRow = TWO_USERS.replace("[1, 1, 1, 1]", "[1, 1, 1]");
        String missing = TWO_USERS.replace("\"f0002_07\"]", "\"f0002_07\", \"ghost\"]").replace("[2, 1]",
                "[2, 1, 0]");
        String textX = TWO_USERS.replace("[1, 1, 1, 1]", "[\"a\", 1, 1, 1]");

        // Execute
        CorruptDataException count = read(badCount, "count.json");
        CorruptDataException row = read(badRow, "row.json");
        CorruptDataException ghost = read(missing, "ghost.json");
        CorruptDataException text = read(textX, "text.json");

        // Assert
        assertEquals(badCount.indexOf("5]"), count.byteOffset(), count.getMessage());
        assertTrue(count.getMessage().contains("num_samples says user 'f0002_07' has 5"), count.getMessage());
        assertEquals(badRow.indexOf("[1, 1, 1]"), row.byteOffset(), row.getMessage());
        assertTrue(row.getMessage().contains("has 3 values, expected 4"), row.getMessage());
        assertTrue(ghost.getMessage().contains("'ghost' is listed in users but has no user_data"),
                ghost.getMessage());
        assertEquals(textX.indexOf("\"a\""), text.byteOffset(), text.getMessage());
    }

    private CorruptDataException read(String json, String name) {
        Path file = TestFiles.write(dir.resolve(name), json);
        return assertThrows(CorruptDataException.class, () -> LeafJsonReader.read(file, "leaf", LeafFormat.FLAT));
    }
}
