package org.dml4j.fl.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.testing.LoopbackTransport;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.StrategyContract;
import org.dml4j.fl.testing.ToyParticipant;
import org.junit.jupiter.api.Test;

class FedBuffTest extends StrategyContract {
    @Override
    protected Strategy strategy() {
        return new FedBuff(new FedBuff.FedBuffConfig(3, 1f, 4, "uniform", "polynomial", 0.5, 0, -1));
    }

    @Test
    void bufferOfEveryParticipantWithEqualDelaysIsFedAvg() {
        List<ToyParticipant> toys = Runs.toys(5, 4, -1);
        double[] equal = {0.5, 0.5, 0.5, 0.5, 0.5};
        double[] up = {2, 2, 2, 2, 2};
        Runs.Result buff = Runs.run(new FedBuff(new FedBuff.FedBuffConfig(5, 0.8f, 0, "samples", "constant", 0, 0,
                -1)), toys, new LoopbackTransport(toys, equal, up, 0), Runs.training(0.1, 3), 6, new float[4]);
        Runs.Result avg = Runs.run(new FedAvg("fedavg", 1.0, 1, 0.8f, 0f, 0, 0), toys,
                new LoopbackTransport(toys, equal, up, 0), Runs.training(0.1, 3), 6, new float[4]);
        assertArrayEquals(avg.model(), buff.model(), "bit for bit");
        assertEquals(avg.rows(), buff.rows());
        assertEquals(6 * 3.5, buff.rows().get(5).simSeconds(), 1e-12);
    }

    @Test
    void concurrencyIsLimitedAndStalenessIsRecorded() {
        List<ToyParticipant> toys = Runs.toys(6, 2, -1);
        double[] perStep = {0.1, 0.2, 0.3, 0.4, 0.5, 3};
        Runs.Result r = Runs.run(new FedBuff(new FedBuff.FedBuffConfig(2, 1f, 3, "uniform", "polynomial", 0.5, 0,
                -1)), toys, new LoopbackTransport(toys, perStep, new double[6], 0), Runs.training(0.1, 2), 20,
                new float[2]);
        int inFlight = 0;
        for (String line : r.eventLog()) {
            if (line.contains("\"e\":\"dispatch\"")) {
                inFlight++;
            } else if (line.contains("\"e\":\"reply\"")) {
                inFlight--;
            }
            assertTrue(inFlight <= 3, "at most 3 in flight: " + line);
        }
        long[] h = r.coordinator().stats().stalenessHistogram();
        long stale = 0;
        for (int i = 1; i < h.length; i++) {
            stale += h[i];
        }
        assertTrue(stale > 0, "asynchrony makes some updates stale");
    }

    @Test
    void badSettingsNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FedBuff.FedBuffConfig(0, 1f, 0, "uniform", "constant", 0, 0, -1));
        assertTrue(e.getMessage().contains("buffer-size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FedBuff.FedBuffConfig(2, 1f, 0, "median", "constant", 0, 0, -1));
        assertTrue(e.getMessage().contains("weighting") && e.getMessage().contains("median"), e.getMessage());
    }
}
