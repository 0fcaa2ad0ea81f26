package org.dml4j.fl.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.testing.LoopbackTransport;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.StrategyContract;
import org.dml4j.fl.testing.ToyParticipant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FedLuckTest extends StrategyContract {
    @Override
    protected Strategy strategy() {
        return new FedLuck(new FedLuck.FedLuckConfig(1.5, 0.7f, 2, 60, 0.01, 1.0, 2, -1));
    }

    @ParameterizedTest
    @CsvSource({"0.1, 1, 18, 1.00", "0.4, 1, 5, 1.00", "0.1, 10, 13, 0.07", "0.4, 10, 3, 0.07",
        "0.1, 40, 13, 0.02"})
    void gridSearchReproducesTheSpecsTestVectors(double alpha, double beta, int k, double delta) {
        double[] kd = FedLuck.choose(alpha, beta, 1.5, 2, 60, 0.01, 1.0);
        assertArrayEquals(new double[] {k, delta}, kd, 1e-12);
        double round = (k * alpha + delta * beta) / 1.5;
        assertTrue(round >= 0.5 && round <= 2.5, "a round takes about one to two periods: " + round);
    }

    @Test
    void measuresAlphaAndBetaInVirtualTimeAndLogsTheChoice() {
        List<ToyParticipant> toys = Runs.toys(2, 3, -1);
        // the loopback's upload time does not depend on size: beta = upload · dense / sent bytes
        FedLuck luck = new FedLuck(new FedLuck.FedLuckConfig(1.5, 0.7f, 2, 60, 0.01, 1.0, 4, -1));
        Runs.Result r = Runs.run(luck, toys, new LoopbackTransport(toys, new double[] {0.1, 0.4},
                new double[] {1, 1}, 0), Runs.training(0.05, 4), 10, new float[3]);
        assertEquals(2, r.log().size(), r.log().toString());
        assertTrue(r.log().get(0).contains("client 0") && r.log().get(0).contains("local steps 18"), r.log().get(0));
        assertEquals(18, luck.chosenSteps()[0]);
        assertEquals(5, luck.chosenSteps()[1]);
        assertEquals(10, r.rows().size());
        for (var m : r.rows()) {
            assertEquals(0, Math.IEEEremainder(m.simSeconds(), 1.5), 1e-9, "versions are made on period ticks");
        }
    }
}
