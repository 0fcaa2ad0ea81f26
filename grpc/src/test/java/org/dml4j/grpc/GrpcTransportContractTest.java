package org.dml4j.grpc;

import java.nio.file.Path;
import java.util.List;
import org.dml4j.fl.Transport;
import org.dml4j.fl.testing.ToyParticipant;
import org.dml4j.fl.testing.TransportContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC transport passes the same contract as the simulator's: a coordinator-side server on loopback with mutual
 * TLS and per-participant tokens, each toy participant a {@link GrpcParticipant} on its own thread.
 */
class GrpcTransportContractTest extends TransportContract {
    @TempDir
    Path dir;
    private Loopback loop;

    @Override
    protected Transport transport(List<ToyParticipant> participants) {
        loop = new Loopback(dir, participants.size(), 2, true, participants.size());
        loop.startAll(participants);
        return loop.transport;
    }

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
