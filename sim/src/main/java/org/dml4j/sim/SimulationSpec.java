package org.dml4j.sim;

import java.util.List;
import java.util.Objects;
import org.dml4j.data.Dataset;
import org.dml4j.fl.Compression;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.Strategy;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.network.NetworkTopology;

/**
 * Everything a federated simulation needs, already resolved.
 *
 * @param seed       root seed: client sampling, sample order and compressor randomness derive from it
 * @param rounds     number of model versions (rounds of a synchronous strategy), at least 1
 * @param threads    worker threads training clients in parallel, at least 1; results do not depend on it
 * @param evalEvery  evaluate the global model every this many rounds (and always after the last), at least 1
 * @param clientData local training data, one per client, in client-id order
 * @param test       held-out test data for the global model
 * @param models     creates the workers' models
 * @param strategy   the server algorithm
 * @param compression uplink and downlink compression (per-client levels included)
 * @param training   local training settings
 * @param devices    the simulated devices (compute time, availability, dropout), or null for training that takes no
 *                   virtual time
 * @param network    the simulated network, or null for transfers that take no time
 */
public record SimulationSpec(long seed, int rounds, int threads, int evalEvery, List<Dataset> clientData,
                             Dataset test, ModelFactory models, Strategy strategy, Compression compression,
                             LocalTraining training, DeviceModel devices, NetworkTopology network) {
    /** @return whether virtual time passes in this run (a device model or a network) */
    public boolean timed() {
        return devices != null || network != null;
    }

    /** Validates the fields and copies the list. */
    public SimulationSpec {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (evalEvery < 1) {
            throw new IllegalArgumentException("eval-every must be >= 1, got " + evalEvery);
        }
        clientData = List.copyOf(clientData);
        if (clientData.isEmpty()) {
            throw new IllegalArgumentException("at least one client is needed");
        }
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(training, "training");
        if (devices != null && devices.clients() != clientData.size()) {
            throw new IllegalArgumentException("the device model has " + devices.clients() + " clients, the run "
                    + clientData.size());
        }
        if (network != null && network.clients() != clientData.size()) {
            throw new IllegalArgumentException("the network has " + network.clients() + " clients, the run "
                    + clientData.size());
        }
    }
}
