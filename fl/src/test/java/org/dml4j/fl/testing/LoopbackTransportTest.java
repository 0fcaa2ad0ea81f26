package org.dml4j.fl.testing;

import java.util.List;
import org.dml4j.fl.Transport;

/** The test transport passes the contract it is used to check strategies with. */
class LoopbackTransportTest extends TransportContract {
    @Override
    protected Transport transport(List<ToyParticipant> participants) {
        double[] perStep = new double[participants.size()];
        double[] up = new double[participants.size()];
        for (int i = 0; i < perStep.length; i++) {
            perStep[i] = 0.25 * (i + 1);
            up[i] = 1.0 / (i + 1);
        }
        return new LoopbackTransport(participants, perStep, up, 0);
    }
}
