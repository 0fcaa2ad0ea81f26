package org.dml4j.core;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A tree of seeds derived from one root seed. Each node is addressed by a path of labels and indices, for example
 * {@code root.child("client").child(7).child("round").child(3)}, and its seed depends only on the root seed and that
 * path, never on the order in which nodes are created or on which thread creates them. This is what lets a
 * simulation give the same numbers whatever the thread count.
 *
 * <p>Immutable and thread-safe. Each {@link #random()} call returns a fresh {@link SplittableRandom} that the caller
 * owns.
 */
public final class SeedTree {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private final long seed;

    private SeedTree(long seed) {
        this.seed = seed;
    }

    /**
     * @param seed the experiment's seed
     * @return the root of the tree
     */
    public static SeedTree root(long seed) {
        return new SeedTree(mix(seed ^ 0x6A09E667F3BCC909L));
    }

    /**
     * @param index a child index (client id, round number, ...)
     * @return the child node
     */
    public SeedTree child(long index) {
        return new SeedTree(mix(seed + GOLDEN * (index + 1)));
    }

    /**
     * @param label a child label ("partition", "init", "client", ...)
     * @return the child node
     */
    public SeedTree child(String label) {
        long h = seed;
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xFFL)) + GOLDEN;
        }
        return new SeedTree(mix(h ^ label.length()));
    }

    /** @return the seed of this node */
    public long seed() {
        return seed;
    }

    /** @return a new generator seeded from this node; the caller owns it */
    public SplittableRandom random() {
        return new SplittableRandom(seed);
    }

    /** Stafford's variant 13 of the SplitMix64 finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "SeedTree[" + Long.toHexString(seed) + "]";
    }
}
