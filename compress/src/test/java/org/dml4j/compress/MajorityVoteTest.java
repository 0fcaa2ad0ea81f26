package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MajorityVoteTest {
    private static CompressedUpdate signs(float... x) {
        return new SignCompressor(SignConfig.scaled(false)).newState(x.length, new SplittableRandom(1)).compress(x);
    }

    @Test
    void matchesAHandComputedVote() {
        // Signs of three workers (scales differ, they must not matter):
        //   w1 = [+, +, -, -], w2 = [+, -, -, +], w3 = [-, +, -, +]  → sums [1, 1, -3, 1] → sign [+, +, -, +]
        MajorityVote vote = new MajorityVote(4);
        vote.add(signs(0.1f, 2f, -3f, -0.5f), 1f);
        vote.add(signs(40f, -1f, -1f, 1f), 1f);
        vote.add(signs(-0.01f, 0.02f, -5f, 7f), 1f);
        assertArrayEquals(new float[] {1, 1, -3, 1}, vote.tally());
        float[] params = {1f, 1f, 1f, 1f};
        vote.applyTo(params, 0.1f);
        assertArrayEquals(new float[] {1.1f, 1.1f, 0.9f, 1.1f}, params);
        // a fourth worker [-, -, +, -] ties coordinates 0, 1 and 3 (sum 0): they stay where they are
        vote.add(signs(-1f, -1f, 1f, -1f), 1f);
        assertEquals(4, vote.voters());
        float[] again = {0f, 0f, 0f, 0f};
        vote.applyTo(again, 0.5f);
        assertArrayEquals(new float[] {0f, 0f, -0.5f, 0f}, again);
        vote.reset();
        assertArrayEquals(new float[4], vote.tally());
    }

    @Test
    void otherUpdatesVoteWithTheSignOfTheirValues() {
        MajorityVote vote = new MajorityVote(3);
        vote.add(new SparseUpdate(3, new int[] {0, 2}, new float[] {-4f, 0.5f}, ValueFormat.FP32), 2f);
        vote.add(signs(1f, 1f, -1f), 1f);
        // sparse: [-2, 0, +2] (no vote at 1); signs: [+1, +1, -1]
        assertArrayEquals(new float[] {-1f, 1f, 1f}, vote.tally());
    }

    @Test
    void badInputFails() {
        MajorityVote vote = new MajorityVote(3);
        assertThrows(IllegalArgumentException.class, () -> vote.add(signs(1f, 2f), 1f));
        assertThrows(IllegalArgumentException.class, () -> vote.add(signs(1f, 2f, 3f), 0f));
        assertThrows(IllegalArgumentException.class, () -> vote.applyTo(new float[2], 1f));
        assertThrows(IllegalArgumentException.class, () -> vote.applyTo(new float[3], Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new MajorityVote(0));
    }
}
