package org.dml4j.sim;

import java.util.List;
import org.dml4j.data.Dataset;
import org.dml4j.fl.Transport;
import org.dml4j.fl.testing.ToyParticipant;
import org.dml4j.fl.testing.TransportContract;
import org.junit.jupiter.api.AfterEach;

/** The simulated transport passes the transport contract, with delays that differ per participant. */
class SimTransportContractTest extends TransportContract {
    private WorkerPool pool;

    @Override
    protected Transport transport(List<ToyParticipant> participants) {
        pool = new WorkerPool(2, FederatedSimulationTest.FakeModel::new,
                new Dataset("t", new float[4], new int[] {0}, new int[] {4}, 4));
        DelayModel delays = new DelayModel() {
            @Override
            public double computeSeconds(int participant, int steps, String seedPath) {
                return 0.25 * (participant + 1) * steps;
            }

            @Override
            public double downloadSeconds(int participant, long bytes) {
                return 0.01 * participant;
            }

            @Override
            public double uploadSeconds(int participant, long bytes) {
                return 1.0 / (participant + 1);
            }
        };
        return new SimTransport(participants, pool, delays);
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
