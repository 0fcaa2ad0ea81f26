package org.dml4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedTreeTest {
    @Test
    void sameePathGivesSameSeedWhateverTheCreationOrder() {
        SeedTree a = SeedTree.root(42);
        long first = a.child("client").child(3).seed();
        a.child("other").child(9);
        SeedTree b = SeedTree.root(42);
        assertEquals(first, b.child("client").child(3).seed());
        assertEquals(a.child(5).random().nextLong(), b.child(5).random().nextLong());
    }

    @Test
    void differentPathsAndSeedsDiffer() {
        Set<Long> seen = new HashSet<>();
        for (long s = 0; s < 10; s++) {
            SeedTree r = SeedTree.root(s);
            for (int i = 0; i < 100; i++) {
                seen.add(r.child(i).seed());
                seen.add(r.child("c" + i).seed());
            }
        }
        assertEquals(2000, seen.size());
        assertNotEquals(SeedTree.root(1).child("ab").seed(), SeedTree.root(1).child("ba").seed());
    }
}
