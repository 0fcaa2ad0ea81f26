package org.dml4j.fl.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.testing.LoopbackTransport;
import org.dml4j.fl.testing.Runs;
import org.dml4j.fl.testing.StrategyContract;
import org.dml4j.fl.testing.ToyParticipant;
import org.junit.jupiter.api.Test;

class FedLuckTest extends StrategyContract {
    @Override
    protected Strategy strategy() {
        return new FedLuck(new FedLuck.FedLuckConfig(1.5, 0.7f, 2, 60, 0.01, 1.0, 2, -1));
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
        assertEquals(1.0, luck.chosenRatios()[0], "spec §3.4: alpha 0.1, beta 1 -> (18, 1.00)");
        assertEquals(10, r.rows().size());
        for (var m : r.rows()) {
            assertEquals(0, Math.IEEEremainder(m.simSeconds(), 1.5), 1e-9, "versions are made on period ticks");
        }
    }
}
