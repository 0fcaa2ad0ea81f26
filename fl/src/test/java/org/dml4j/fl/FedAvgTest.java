package org.dml4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.dml4j.compress.DenseUpdate;
import org.junit.jupiter.api.Test;

class FedAvgTest {
    private static ClientReply ok(int id, int n, float... delta) {
        return new ClientReply.Ok(id, n, new DenseUpdate(delta), 0.5, 1);
    }

    @Test
    void aggregatesSampleWeightedDeltasAsComputedByHand() {
        // Prepare: w = [1, 2]; deltas [2, 0] (n=1), [0, 4] (n=3)
        FedAvg fedAvg = new FedAvg("fedavg", 1.0, 1, 1f, 0f);
        float[] global = {1f, 2f};
        // Execute
        float[] next = fedAvg.aggregate(1, global, List.of(ok(0, 1, 2f, 0f), ok(1, 3, 0f, 4f)));
        // Assert: w + 1/4*[2,0] + 3/4*[0,4] = [1.5, 5]
        assertArrayEquals(new float[] {1.5f, 5f}, next);
        assertArrayEquals(new float[] {1f, 2f}, global, "global must not be modified");
    }

    @Test
    void serverLearningRateScalesTheAverageAndFailuresAreLeftOut() {
        FedAvg fedAvg = new FedAvg("fedavg", 1.0, 1, 0.5f, 0f);
        float[] next = fedAvg.aggregate(1, new float[] {0f, 0f},
                List.of(ok(0, 2, 4f, -2f), new ClientReply.Failed(1, "diverged"), ok(2, 2, 0f, 2f)));
        // 0.5 * (1/2*[4,-2] + 1/2*[0,2]) = [1, 0]
        assertArrayEquals(new float[] {1f, 0f}, next);
        float[] unchanged = fedAvg.aggregate(2, new float[] {3f}, List.of(new ClientReply.Failed(0, "x")));
        assertArrayEquals(new float[] {3f}, unchanged);
    }

    @Test
    void aggregationDoesNotDependOnReplyOrderOnceSorted() {
        FedAvg fedAvg = new FedAvg("fedavg", 1.0, 1, 1f, 0f);
        SplittableRandom r = new SplittableRandom(3);
        List<ClientReply> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            float[] d = new float[5];
            for (int j = 0; j < d.length; j++) {
                d[j] = (float) r.nextGaussian();
            }
            replies.add(ok(i, 1 + r.nextInt(100), d));
        }
        float[] a = fedAvg.aggregate(1, new float[5], replies);
        List<ClientReply> shuffled = new ArrayList<>(replies);
        Collections.shuffle(shuffled, new java.util.Random(1));
        shuffled.sort((x, y) -> Integer.compare(x.clientId(), y.clientId()));
        assertArrayEquals(a, fedAvg.aggregate(1, new float[5], shuffled));
    }

    @Test
    void samplesDistinctSortedClients() {
        for (int seed = 0; seed < 50; seed++) {
            int[] ids = FedAvg.sampleWithoutReplacement(20, 10, new SplittableRandom(seed));
            assertEquals(10, ids.length);
            assertEquals(10, Arrays.stream(ids).distinct().count());
            for (int i = 1; i < ids.length; i++) {
                assertTrue(ids[i] > ids[i - 1]);
            }
            assertTrue(ids[0] >= 0 && ids[9] < 20);
        }
        FedAvg f = new FedAvg("fedavg", 0.5, 1, 1f, 0f);
        assertEquals(10, f.clientsPerRound(20));
        assertEquals(3, new FedAvg("fedavg", 0.01, 3, 1f, 0f).clientsPerRound(20));
    }

    @Test
    void badSettingsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FedAvg.FedAvgConfig(1.5, 1, 1f));
        assertTrue(e.getMessage().contains("fraction") && e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FedAvg.FedProxConfig(0.5, 1, 1f, -1f));
        assertTrue(e.getMessage().contains("mu"), e.getMessage());
    }
}
