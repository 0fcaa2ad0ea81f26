package org.dml4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dml4j.grpc.proto.FederationGrpc;
import org.dml4j.grpc.proto.JoinReply;
import org.dml4j.grpc.proto.JoinRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's TLS (its server is set up by {@link NettyTuning#serverBuilder}): with mutual TLS a participant
 * holding a certificate of the run's CA joins; one without a client certificate, or with one from another CA, is
 * refused in the handshake, as is a participant that does not trust the coordinator's certificate.
 */
class TlsServerTest {
    @TempDir
    Path dir;

    private static JoinReply join(Loopback loop, Security.TlsFiles files) throws InterruptedException {
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", loop.transport.port(),
                Security.channelCredentials(files)).overrideAuthority("localhost").build();
        try {
            return FederationGrpc.newBlockingStub(ch).withCallCredentials(Security.token(0, loop.tokens.get(0)))
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .join(JoinRequest.newBuilder().setSchemaVersion(Wire.SCHEMA_VERSION).setParticipant(0)
                            .setNumSamples(1).build());
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void mutualTlsAdmitsOnlyCertificatesOfTheRunsCa() throws Exception {
        Certificates.Written other = Certificates.write(dir.resolve("other"), 1, List.of("localhost", "127.0.0.1"), 1);
        try (Loopback loop = new Loopback(dir.resolve("run"), 1, 2, true, 1)) {
            assertEquals(2, join(loop, loop.files.client(0, true)).getDim(), "the run's own certificate joins");
            Security.TlsFiles noCertificate = loop.files.client(0, false);
            Security.TlsFiles otherCasCertificate = new Security.TlsFiles(other.clientCerts().get(0),
                    other.clientKeys().get(0), loop.files.ca());
            Security.TlsFiles trustsAnotherCa = new Security.TlsFiles(loop.files.clientCerts().get(0),
                    loop.files.clientKeys().get(0), other.ca());
            for (Security.TlsFiles f : List.of(noCertificate, otherCasCertificate, trustsAnotherCa)) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> join(loop, f),
                        "refused: " + f);
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "a failed handshake: " + e);
            }
            assertEquals(2, join(loop, loop.files.client(0, true)).getDim(), "the server is still up");
        }
    }

    @Test
    void serverTlsWithoutClientCertificates() throws Exception {
        try (Loopback loop = new Loopback(dir, 1, 2, false, 1)) {
            assertEquals(2, join(loop, loop.files.client(0, false)).getDim());
            Security.TlsFiles plaintext = Security.TlsFiles.none();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> join(loop, plaintext));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "plaintext to a TLS server: " + e);
        }
    }
}
