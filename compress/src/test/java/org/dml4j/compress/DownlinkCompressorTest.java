package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DownlinkCompressorTest {
    @Test
    void clientsFollowTheReplicaAndCatchUpWhenTheModelStops() {
        // Prepare
        int n = 200;
        float[] model = Unbiased.vector(n, 1);
        DownlinkCompressor down = new DownlinkCompressor(new TopKCompressor(TopKConfig.ofRatio(0.1)), model,
                new SplittableRandom(1));
        float[] client = model.clone();
        // Execute: the server moves the model for 5 rounds, then keeps it fixed
        for (int round = 0; round < 40; round++) {
            if (round < 5) {
                float[] step = Unbiased.vector(n, 100 + round);
                for (int i = 0; i < n; i++) {
                    model[i] += 0.1f * step[i];
                }
            }
            CompressedUpdate u = down.broadcast(model);
            assertTrue(u.elements() <= 20);
            u.addTo(client, 1f);
            // Assert: the clients hold exactly the replica
            assertArrayEquals(down.replica(), client);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(model[i], client[i], 1e-5f, "the residual x - x̂ has been sent");
        }
    }
}
