package org.dml4j.sim;

import java.util.List;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.fl.Transport;
import org.dml4j.fl.testing.ToyParticipant;
import org.dml4j.fl.testing.TransportContract;
import org.dml4j.sim.device.Availability;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.device.Devices;
import org.dml4j.sim.network.NetworkProvider;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.network.UniformNetworkConfig;
import org.junit.jupiter.api.AfterEach;

/** The simulated transport passes the transport contract, with compute times that differ per participant. */
class SimTransportContractTest extends TransportContract {
    private WorkerPool pool;

    @Override
    protected Transport transport(List<ToyParticipant> participants) {
        pool = new WorkerPool(2, FederatedSimulationTest.FakeModel::new,
                new Dataset("t", new float[4], new int[] {0}, new int[] {4}, 4));
        DeviceModel compute = new Devices(participants.size(), p -> 0.25 * (p + 1), Availability.always(), 0,
                SeedTree.root(2));
        NetworkTopology net = NetworkProvider.REGISTRY.get("uniform").create(new UniformNetworkConfig(1, 8, 20, null,
                null, false, 100, 100, 5, null, null, null), participants.size(), SeedTree.root(3), null);
        return new SimTransport(participants, pool, net, compute);
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
