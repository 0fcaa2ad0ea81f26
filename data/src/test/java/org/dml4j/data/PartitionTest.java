package org.dml4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionTest {
    /** Six samples with labels 0, 1, 2, 0, 1, 0 and one feature each. */
    private static Dataset six() {
        return new Dataset("six", new float[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1, 2, 0, 1, 0}, new int[] {1}, 3);
    }

    @Test
    void sizesHistogramsAndShards() {
        // Prepare
        Partition p = new Partition(new int[][] {{0, 3, 5}, {1, 4}, {2}});
        Dataset d = six();

        // Execute
        int[][] h = p.labelHistograms(d);
        Dataset shard = p.shard(d, 1);

        // Assert
        assertArrayEquals(new int[] {3, 2, 1}, p.sizes());
        assertEquals(6, p.totalSize());
        assertArrayEquals(new int[][] {{3, 0, 0}, {0, 2, 0}, {0, 0, 1}}, h);
        assertArrayEquals(h, p.labelHistograms(d.labels(), 3));
        assertEquals("six/client-1", shard.name());
        assertArrayEquals(new int[] {1, 1}, shard.labels());
        assertTrue(p.isDisjoint() && p.isComplete(6));
    }

    @Test
    void detectsOverlapAndGaps() {
        // Prepare
        Partition overlap = new Partition(new int[][] {{0, 1}, {1, 2}});
        Partition gap = new Partition(new int[][] {{0}, {2}});

        // Execute / Assert
        assertFalse(overlap.isDisjoint());
        assertFalse(overlap.isComplete(3));
        assertTrue(gap.isDisjoint());
        assertFalse(gap.isComplete(3));
        assertThrows(IllegalArgumentException.class, () -> new Partition(new int[][] {{-1}}));
    }

    @Test
    void isImmutableAndComparesByContent() {
        // Prepare
        int[][] raw = {{0, 1}, {2}};
        Partition p = new Partition(raw);

        // Execute: mutate the input and a returned copy
        raw[0][0] = 9;
        p.clientIndices()[1][0] = 9;
        p.indices(0)[0] = 9;

        // Assert
        assertArrayEquals(new int[][] {{0, 1}, {2}}, p.clientIndices());
        assertEquals(new Partition(new int[][] {{0, 1}, {2}}), p);
        assertEquals(new Partition(new int[][] {{0, 1}, {2}}).hashCode(), p.hashCode());
        assertNotEquals(new Partition(new int[][] {{0}, {1, 2}}), p);
    }

    @Test
    void describePrintsOneRowPerClientTotalsAndSkew() {
        // Prepare
        Partition p = new Partition(new int[][] {{0, 3, 5}, {1, 4}, {2}});

        // Execute
        String table = p.describe(six());

        // Assert: golden table
        assertEquals("""
                client size |  0  1  2
                     0    3 |  3  0  0
                     1    2 |  0  2  0
                     2    1 |  0  0  1
                 total    6 |  3  2  1
                3 clients; size min 1, median 2, max 3; skew ratio 3.00
                """, table);
    }
}
